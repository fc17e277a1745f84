"""Widgets of the training studio: choose a model, data and settings, watch the run live, keep the model.

The run itself goes to the server's TrainingQueue (seqviz.training.jobs): one worker process at a time, at a
low priority, so the pages of everyone else stay quick. The same launcher is embedded in the word
embeddings page (kinds word2vec and GloVe).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import uuid

import streamlit as st

from seqviz.core import registry
from seqviz.core.checkpoint import CheckpointError
from seqviz.core.text import decode_upload
from seqviz.training.jobs import AlreadyRunning, QueueFull, TrainingQueue
from seqviz.training.runner import safe_name
from seqviz.ui import mymodels, share
from seqviz.ui.common import lang, md_escape, show_problems, t, upload_mb
from seqviz.ui.export import chart
from seqviz.ui.i18n import has, translate

PAGES = {k.checkpoint: k.pages for k in registry.KINDS.values()}  # checkpoint kind -> the pages that list it
JOB_KEY = "train_job"  # session_state: the id of this session's current run
SAMPLES_KEY = "train_samples"  # session_state: (name, samples) of the last run, shown until the next one starts
SAMPLE_TICKS = (0, 10, 25, 50, 100, 200, 500)  # "write a sample every n steps" (0: never)
SAMPLES_SHOWN = 6  # samples on the page, spread over the run: the newest, ..., the first (the untrained model's)


@st.cache_resource(show_spinner=False)
def queue() -> TrainingQueue:
    """The server's one training queue (SEQVIZ_TRAIN_SLOTS runs at once, default 1)."""
    return TrainingQueue(slots=int(os.environ.get("SEQVIZ_TRAIN_SLOTS", "1")))


def owner() -> str:
    """An id for this browser session (one run at a time each)."""
    return st.session_state.setdefault("train_owner", uuid.uuid4().hex)


def current_job():
    jid = st.session_state.get(JOB_KEY)
    return queue().get(jid) if jid else None


def limits_caption() -> None:
    L = registry.LIMITS
    st.caption(
        t(
            "train.limits",
            mb=L.upload_bytes // 1_000_000,
            chars=L.chars,
            tokens=L.tokens,
            examples=L.examples,
            secs=int(L.seconds),
            models=mymodels.MAX_MODELS,
        )
    )


# ---------------------------------------------------------------- choosing


def choose_kind(kinds: tuple, key: str) -> str:
    if len(kinds) == 1:
        return kinds[0]
    share.bind(key, kinds[0], options=kinds)
    if st.session_state[key] not in kinds:
        st.session_state[key] = kinds[0]
    kind = st.radio(t("train.kind"), kinds, key=key, format_func=lambda k: t(f"train.kind.{k}"), horizontal=True)
    st.caption(t(f"train.kind.{kind}.explain"))
    return kind


def choose_data(kind: str, key: str):
    """Bundled data or an upload; returns (source, text or None), or None when nothing usable is chosen."""
    options = list(registry.get(kind).bundled) + (["upload"] if registry.get(kind).uploads else [])
    share.bind(f"{key}_source_{kind}", options[0], options=options)
    source = st.radio(
        t("train.data"),
        options,
        key=f"{key}_source_{kind}",
        horizontal=True,
        format_func=lambda s: t(f"train.data.{s}"),
    )
    if not registry.get(kind).uploads:
        st.caption(t("train.bundled_only"))
    lacking = [p for p in registry.get(kind).needs if shutil.which(p) is None]
    if source != "upload" and lacking:  # its bundled data is made by programs this server does not have
        st.warning(t("train.needs", programs=", ".join(lacking)))
        return None
    if source != "upload":
        return source, None
    st.caption(t("train.share.upload"))  # a link carries the settings, never the file
    st.caption(t("train.format", format=_library_text(kind, "upload_format", registry.get(kind).upload_format)))
    up = st.file_uploader(
        t("train.upload"),
        type=list(registry.get(kind).upload_types),
        key=f"{key}_upload_{kind}",
        help=t("train.upload.help", mb=registry.LIMITS.upload_bytes // 1_000_000),
        max_upload_size=upload_mb(registry.LIMITS.upload_bytes),
    )
    if up is None:
        st.info(t("train.need_upload"))
        return None
    if registry.get(kind).binary:  # a music file: the kind reads it (and explains what it cannot read)
        st.caption(t("train.read.binary", name=md_escape(up.name), n=up.size))
        st.session_state[f"{key}_upname"] = up.name.rsplit(".", 1)[0]
        return "upload", up.getvalue()
    kept = st.session_state.get(f"{key}_decoded")
    if not kept or kept[0] != up.file_id:  # decode each upload once, not on every rerun
        clean = decode_upload(
            up.getvalue(), max_chars=registry.LIMITS.upload_bytes, max_bytes=registry.LIMITS.upload_bytes
        )
        st.session_state[f"{key}_decoded"] = (up.file_id, clean)
    clean = st.session_state[f"{key}_decoded"][1]
    show_problems(clean)
    if not clean.ok:
        return None
    lines = [ln for ln in clean.text.splitlines() if ln.strip()]
    st.caption(t("train.read", name=md_escape(up.name), lines=len(lines), chars=len(clean.text)))
    st.session_state[f"{key}_upname"] = up.name.rsplit(".", 1)[0]
    with st.expander(t("train.preview")):
        st.code("\n".join(ln[:120] for ln in lines[:8]) or "—", language=None)
    return "upload", clean.text


def _library_text(kind: str, name: str, english: str) -> str:
    """Text the library states in English (a setting's hint, an upload format): that English, or its translation
    in the locale files ("train.hint.<kind>.<name>"; the English again when there is none)."""
    key, language = f"train.hint.{kind}.{name}", lang()
    return translate(key, language) if has(key, language) else english


def _hint(prm: registry.Param, kind: str) -> str:
    """A setting's hint: the library's own English (prm.hint), or its translation."""
    return _library_text(kind, prm.name, prm.hint)


def _widget(prm: registry.Param, kind: str, key: str):
    label, hint = t(f"train.p.{prm.name}"), _hint(prm, kind)
    options = prm.choices or prm.ticks or None
    share.bind(key, prm.default, options=options, lo=None if options else prm.lo, hi=None if options else prm.hi)
    if prm.choices:
        fmt = (lambda v: t(f"train.v.{v}")) if isinstance(prm.default, str) else str
        return st.selectbox(label, prm.choices, key=key, help=hint, format_func=fmt)
    if prm.ticks:
        return st.select_slider(
            label, prm.ticks, key=key, help=hint, format_func=lambda v: t("train.off") if v == 0 else f"{v:g}"
        )
    if prm.name in ("seed",):
        return st.number_input(label, int(prm.lo), int(prm.hi), key=key, help=hint, step=1)
    return st.slider(label, int(prm.lo), int(prm.hi), key=key, help=hint)


def choose_params(kind: str, key: str, source: str | None = None) -> dict:
    """One widget per hyperparameter offered for the data `source`, with its one-line hint; returns the values (the
    others keep their defaults)."""
    params = [p for p in registry.get(kind).params if p.page and (not p.sources or source in p.sources)]
    cols = st.columns(4)
    out = {}
    for i, prm in enumerate(params):
        with cols[i % 4]:
            out[prm.name] = _widget(prm, kind, f"{key}_{kind}_{prm.name}")
    if "sample_every" in registry.get(kind).defaults():  # a character model writes samples as it learns
        with cols[len(params) % 4]:
            out["sample_every"] = _sample_every(kind, f"{key}_{kind}_sample_every")
    return out


def _sample_every(kind: str, key: str) -> int:
    """How often the run writes a sample (a display setting: the model trains the same either way)."""
    default = registry.get(kind).defaults()["sample_every"]
    ticks = tuple(sorted(set(SAMPLE_TICKS) | {default}))
    share.bind(key, default, options=ticks)
    return st.select_slider(
        t("train.p.sample_every"),
        ticks,
        key=key,
        help=t("train.samples.every.help"),
        format_func=lambda v: t("train.off") if v == 0 else f"{v:g}",
    )


def choose_device(key: str, model_kind: str = "") -> str:
    """CUDA or CPU when there is a GPU (word2vec always on the CPU: gensim has no GPU code)."""
    from seqviz.ui.cache import device_info

    kind, detail = device_info()
    if model_kind == "word2vec":
        st.caption(t("train.device.gensim"))
        return "cpu"
    if kind == "cuda":
        return st.radio(
            t("train.device"),
            ("cuda", "cpu"),
            key=key,
            horizontal=True,
            format_func=lambda d: f"CUDA ({detail})" if d == "cuda" else "CPU",
        )
    st.caption(t("train.device.cpu"))
    return "cpu"


# ---------------------------------------------------------------- launching and watching


def launcher(kinds: tuple = tuple(registry.KINDS), key: str = "train") -> None:
    """Kind, data, settings and the Train button; the run goes to the server's queue."""
    kind = choose_kind(kinds, f"{key}_kind")
    picked = choose_data(kind, key)
    st.subheader(t("train.settings"))
    params = choose_params(kind, key, st.session_state.get(f"{key}_source_{kind}"))
    c1, c2 = st.columns([2, 1])
    share.bind(f"{key}_name", "", max_chars=40)
    name = c1.text_input(t("train.name"), key=f"{key}_name", max_chars=40, placeholder=t(f"train.kind.{kind}"))
    with c2:
        device = choose_device(f"{key}_device", kind)
    job = current_job()
    busy = job is not None and job.active
    if busy:
        st.info(t("train.one_run"))
    go = st.button(t("train.go"), type="primary", key=f"{key}_go", disabled=busy or picked is None)
    if not go or picked is None:
        return
    source, text = picked
    default = st.session_state.get(f"{key}_upname", "upload") if source == "upload" else source
    label = safe_name(name.strip() or f"{kind}-{default}")
    try:
        params = registry.get(kind).check(params)
        job = queue().submit(owner(), kind, source, params, label, text, device)
    except AlreadyRunning:
        st.warning(t("train.one_run"))
        return
    except QueueFull as err:
        st.error(t("train.queue_full", n=err.args[0]))
        return
    except ValueError as err:
        st.error(t("train.bad_param", msg=md_escape(str(err))))
        return
    st.session_state[JOB_KEY] = job.id
    st.session_state.pop(SAMPLES_KEY, None)  # the last run's samples make way for this one's
    st.rerun()


def _chart(job) -> None:
    """Training loss (mean over each reported stretch) and held-out loss, against the step."""
    import plotly.graph_objects as go

    fig = go.Figure()
    if job.train_curve:
        x, y = zip(*job.train_curve)
        fig.add_scatter(x=x, y=y, mode="lines", name=t("train.curve.train"))
    val = [(s, v["loss"]) for s, v in job.val_curve if v.get("loss") is not None]
    if val:
        x, y = zip(*val)
        fig.add_scatter(x=x, y=y, mode="lines+markers", name=t("train.curve.val"))
    fig.update_layout(
        height=280,
        margin=dict(l=10, r=10, t=30, b=10),
        xaxis_title=t("train.curve.step"),
        yaxis_title=t("train.curve.loss"),
        legend=dict(orientation="h", y=1.12),
    )
    if all(y > 0 for _, y in job.train_curve):
        fig.update_yaxes(type="log")
    chart(fig, key=f"train_chart_{job.id}")


def _log_lines(job) -> list[str]:
    out = []
    for sec, code, info in job.log[-8:]:
        if code == "eval":
            vals = ", ".join(f"{k} {v:.4g}" for k, v in info.items() if k != "step" and isinstance(v, (int, float)))
            out.append(f"{sec:6.1f}s  " + t("train.log.eval", step=info["step"], vals=vals))
        elif code == "start":
            out.append(f"{sec:6.1f}s  " + t("train.log.start", steps=info["n_steps"], device=info["device"]))
        elif code == "end":
            out.append(f"{sec:6.1f}s  " + t("train.log.end", reason=t(f"train.stop.{info['reason']}")))
        elif code == "error":
            out.append(f"{sec:6.1f}s  " + t("train.log.error", code=info["code"]))
    return out


def samples(items: list, head: bool = True) -> None:
    """What a character model wrote as it learnt, newest first, each with its step and training loss: at most
    SAMPLES_SHOWN, spread evenly over the run from the newest back to the first (the untrained model's gibberish),
    two to a row."""
    if not items:
        return
    if head:
        st.markdown("**" + t("train.samples.head") + "**")
    st.caption(t("train.samples.explain"))
    n = len(items)
    every = (n - 1) / (SAMPLES_SHOWN - 1)
    picked = sorted({round(i * every) for i in range(SAMPLES_SHOWN)}) if n > SAMPLES_SHOWN else list(range(n))
    if n > len(picked):
        st.caption(t("train.samples.more", k=len(picked), n=n))
    shown = [items[i] for i in reversed(picked)]
    for row in range(0, len(shown), 2):
        for col, (step, loss, text) in zip(st.columns(2), shown[row : row + 2]):
            loss_txt = "—" if not isinstance(loss, (int, float)) or not math.isfinite(loss) else f"{loss:.3f}"
            col.markdown(t("train.samples.at", step=step, loss=loss_txt))
            col.code(text or "—", language=None, wrap_lines=True)


def _progress(job) -> None:
    q = queue()
    if job.status == "queued":
        st.info(t("train.queued", ahead=q.ahead(job)))
        return
    eta = job.eta
    eta_txt = t("train.eta", s=math.ceil(eta)) if eta is not None else t("train.eta.unknown")
    loss = "—" if job.loss is None else f"{job.loss:.4f}"
    st.progress(
        job.fraction,
        text=t("train.progress", step=job.step, n=job.n_steps or "?", loss=loss, elapsed=job.elapsed, eta=eta_txt),
    )
    if job.stop_requested:
        st.caption(t("train.stopping"))


def _finish(job) -> None:
    """Collect a finished run: its model joins this session's list (once), or its error is explained."""
    st.session_state.pop(JOB_KEY, None)
    if job.samples:
        st.session_state[SAMPLES_KEY] = (job.name, list(job.samples))
    if job.status == "done" and job.result:
        try:
            m = mymodels.add(*job.result, origin="trained", label=job.name)
        except CheckpointError as err:
            st.session_state["train_flash"] = ("error", t("train.failed", msg=md_escape(str(err))))
        else:
            st.session_state["my_models_new"] = m.id
            st.session_state["train_flash"] = ("done", m.id, job.stop_reason or "finished", job.notes)
    elif job.status == "failed":
        code, info = job.error or ("failed", {})
        key = f"train.error.{code}.{info['unit']}" if "unit" in info else f"train.error.{code}"
        msg = (
            t(
                key,
                **{
                    k: md_escape(v) if isinstance(v, str) else v
                    for k, v in info.items()
                    if isinstance(v, (int, float, str))
                },
            )
            if has(key)
            else t("train.failed", msg=md_escape(str(info.get("message", code))))
        )
        st.session_state["train_flash"] = ("error", msg)
    elif job.status == "cancelled":
        st.session_state["train_flash"] = ("info", t("train.cancelled"))
    queue().forget(job)


def collect_finished() -> None:
    """Collect this session's run once it has ended, whatever page is open (app.py calls it on every run).

    Costs one dictionary look-up when the session has no run: no file, no queue, nothing else."""
    jid = st.session_state.get(JOB_KEY)
    if not jid:
        return
    job = queue().get(jid)
    if job is None:  # forgotten by the queue (e.g. the server restarted)
        st.session_state.pop(JOB_KEY, None)
    elif not job.active:
        _finish(job)  # the Train page shows what it gave (flash) on the next visit


def watch() -> None:
    """This session's run, live: waiting place or progress bar with ETA, loss curves, log, Stop."""
    job = current_job()
    flash()
    if job is None:
        if st.session_state.get(JOB_KEY):
            st.session_state.pop(JOB_KEY)
        kept = st.session_state.get(SAMPLES_KEY)
        if kept:  # the last run's samples stay until the next run starts
            with st.expander(t("train.samples.after", name=md_escape(kept[0])), expanded=True):
                samples(kept[1], head=False)
        return

    @st.fragment(run_every=1.0)
    def live():
        j = current_job()
        if j is None or not j.active:
            if j is not None:
                _finish(j)
            st.rerun(scope="app")  # every list and the sidebar now see the new model
        st.subheader(t("train.live", name=md_escape(j.name), kind=t(f"train.kind.{j.kind}")))
        _progress(j)
        if st.button(
            t("train.stop") if j.status == "running" else t("train.cancel"),
            key=f"train_stop_{j.id}",
            disabled=j.stop_requested,
        ):
            queue().stop(j)
        if j.status == "running":
            _chart(j)
            lines = _log_lines(j)
            if lines:
                st.code("\n".join(lines), language=None)
            samples(j.samples)

    live()


def flash() -> None:
    """What the last run gave (shown once, after it finished)."""
    f = st.session_state.pop("train_flash", None)
    if not f:
        return
    if f[0] == "done":
        m = mymodels.get(f[1])
        if m is None:
            return
        st.success(t("train.done", name=md_escape(m.label), reason=t(f"train.stop.{f[2]}")) + " " + summary(m))
        for code, info in (f[3] or {}).items():
            if has(f"train.note.{code}"):
                st.caption(t(f"train.note.{code}", **info))
        cols = st.columns(3)
        for col, page in zip(cols, PAGES.get(m.kind, ())):
            from seqviz.ui.nav import TITLES

            col.page_link(page, label=t("train.open_on", page=t(TITLES[page])), icon="➡️")
    elif f[0] == "error":
        st.error(f[1])
    else:
        st.info(f[1])


# ---------------------------------------------------------------- this session's models


def summary(m: mymodels.MyModel) -> str:
    """One line on what a model is and how good it got (the figures come from its kind in the registry)."""
    kind = registry.for_checkpoint(m.kind)
    if kind is None or kind.summary is None:
        return ""
    variant, figures = kind.summary(m.doc)
    key = f"train.sum.{m.kind}" + (f".{variant}" if variant else "")
    return t(key, **{k: v if re.fullmatch(r"[\d.,%—-]+", v) else md_escape(v) for k, v in figures.items()})


def my_models_panel() -> None:
    """This session's models: what each is, download (safetensors + JSON in a zip), remove."""
    models = mymodels.mine()
    if not models:
        st.caption(t("train.mine.none"))
    for m in reversed(models):
        c1, c2, c3 = st.columns([5, 2, 1])
        c1.markdown(
            f"**{md_escape(m.label)}** · {t(f'train.ckind.{m.kind}')} · {t(f'train.origin.{m.origin}')}  \n{summary(m)}"
        )
        c2.download_button(
            t("train.download"),
            mymodels.zip_bytes(m),
            file_name=f"{m.label}.zip",
            mime="application/zip",
            key=f"dl_{m.id}",
            help=t("train.download.help"),
        )
        if c3.button(t("train.remove"), key=f"rm_{m.id}"):
            mymodels.remove(m.id)
            st.rerun()
    dropped = st.session_state.pop("my_models_dropped", 0)
    if dropped:
        st.info(t("train.mine.dropped", n=dropped, max=mymodels.MAX_MODELS))


def upload_panel() -> None:
    """Open a checkpoint trained earlier or on another machine (a zip, or its .json and .safetensors)."""
    ups = st.file_uploader(
        t("train.open"),
        type=["zip", "json", "safetensors"],
        accept_multiple_files=True,
        key="train_ckpt_upload",
        help=t("train.open.help", mb=mymodels.MAX_UPLOAD_BYTES // 1_000_000),
        max_upload_size=upload_mb(mymodels.MAX_UPLOAD_BYTES),
    )
    if not ups:
        return
    sig = tuple(u.file_id for u in ups)
    if st.session_state.get("train_ckpt_seen") == sig:  # each upload is checked once
        return
    st.session_state["train_ckpt_seen"] = sig
    try:
        json_bytes, weights, label = mymodels.files_from_upload([(u.name, u.getvalue()) for u in ups])
        m = mymodels.add(json_bytes, weights, origin="uploaded", label=safe_name(label))
    except CheckpointError as err:
        st.session_state["train_ckpt_error"] = str(err)
    else:
        st.session_state.pop("train_ckpt_error", None)
        st.session_state["my_models_new"] = m.id
        st.session_state["train_flash"] = ("done", m.id, "uploaded", {})
    st.rerun()


def upload_error() -> None:
    err = st.session_state.get("train_ckpt_error")
    if err:
        st.error(t("train.open.bad", err=md_escape(err)))

"""Real-browser tests: every page in headless Chromium, in English and 中文, and the interactions that need a
browser (uploads, plotly's Play button, the training studio's live panel, a download).

Each step waits for the result it checks, with a timeout: the new page's own title (h1), not the previous
page still on screen; Streamlit's script state back to "notRunning"; plotly's drawing, which comes after
the page's text. Without Chromium (or Playwright) the tests skip, with the reason, unless CI is set: there
they fail, so a CI run that lost its browser cannot pass by skipping.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import PAGE_TITLES

from benchmarks.load_test import free_port, start_server, stop_server
from seqviz.ui.i18n import translate

try:
    from playwright.sync_api import TimeoutError as Timeout
    from playwright.sync_api import sync_playwright
except ImportError:  # reported by the `browser` fixture: a skip, or a failure under CI
    sync_playwright, Timeout = None, TimeoutError

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT = 60_000  # ms: the longest any single step may take (a first page run loads models)
SLOW = 240_000  # ms: a training run through the server's queue
LEGACY_NAV = re.compile(r"/(rnn_cell|vanishing_gradients|language_model|word_embeddings)$")  # pages/*.py by name


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str):
    """No browser here: under CI a failure (the browser tests must run there), else a skip that says why."""
    if in_ci():
        pytest.fail(
            f"{reason}; CI is set, so the browser tests must run (install chromium and playwright)", pytrace=False
        )
    pytest.skip(reason)


def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        unavailable("no Chromium")
    for value in ("", "false"):
        monkeypatch.setenv("CI", value)
        with pytest.raises(pytest.skip.Exception, match="no Chromium"):
            unavailable("no Chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        unavailable("no Chromium")


# ---------------------------------------------------------------- the browser and the server


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the whole module."""
    if sync_playwright is None:
        unavailable("playwright is not installed (pip install playwright)")
    if CHROMIUM is None:
        unavailable("no Chromium installed (apt-get install -y chromium); .ci/run installs it")
    pw = sync_playwright().start()
    try:
        b, failed = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=WAIT), None
    except Exception as err:  # installed but cannot start (missing libraries, no /dev/shm, ...)
        b, failed = None, str(err).splitlines()[0][:300]
    if failed:
        pw.stop()
        unavailable(f"Chromium at {CHROMIUM} cannot start: {failed}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="module")
def server(browser):
    """A fresh `streamlit run app.py`, opened once in the browser so that st.navigation has run: until then a
    fresh server lists pages/*.py by file name (Streamlit's legacy multipage mode) and deep links can miss."""
    port = free_port()
    try:
        proc = start_server(port)
    except RuntimeError as err:
        pytest.fail(str(err))
    url = f"http://127.0.0.1:{port}"
    try:
        open_app(browser, url, "en").close()
        yield url
    finally:
        stop_server(proc)


# ---------------------------------------------------------------- waiting for what is checked


def idle(page, timeout: int = WAIT) -> None:
    """Wait until the script run has finished (Streamlit marks it on the app's root element)."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=timeout,
    )


def wait_title(page, title: str, timeout: int = WAIT) -> None:
    """Wait for the page's own title: an h1 with exactly this text (the previous page has another)."""
    try:
        page.wait_for_function(
            "t => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === t)", arg=title, timeout=timeout
        )
    except Timeout:
        shown = page.eval_on_selector_all("h1", "els => els.map(e => e.innerText.trim())")
        raise AssertionError(f"no title {title!r} after {timeout // 1000} s at {page.url}; titles: {shown}") from None


def drawn(page, *keys: str, timeout: int = WAIT) -> None:
    """Wait until plotly has drawn the charts with these keys (it draws after the page's text arrives)."""
    for key in keys:
        page.wait_for_selector(f".st-key-{key} .js-plotly-plot .main-svg", timeout=timeout)


def plot(page, key: str, js: str):
    """Evaluate `js` (a function of plotly's graph div) on the chart with this key. Numbers sent as typed arrays
    are decoded in the div's ._fullData (its .data keeps them as {dtype, bdata}); lists of text are in .data."""
    return page.eval_on_selector(f".st-key-{key} .js-plotly-plot", js)


def ticks(page, key: str, axis: str = "xaxis") -> str:
    return plot(page, key, f"g => (g.layout.{axis}.ticktext || []).join('')")


def visible_alert(page, needle: str, timeout: int = WAIT) -> None:
    """Wait for a shown message box containing `needle` (not a stale one: the caller checks a new message)."""
    page.wait_for_selector(f'[data-testid="stAlert"]:has-text("{needle}") >> visible=true', timeout=timeout)


def main_text(page) -> str:
    return page.inner_text('[data-testid="stMain"]')


def problems(page) -> list[str]:
    return page.eval_on_selector_all(
        '[data-testid="stException"], [data-testid="stAlertContentError"]',
        "els => els.map(e => e.innerText.slice(0, 300))",
    )


def nav_link(path: str) -> str:
    return f'[data-testid="stSidebarNavLink"][href$="/{path}"]' if path else '[data-testid="stSidebarNavLink"]'


def open_app(browser, url: str, lang: str, path: str = ""):
    """A new tab (a new Streamlit session) at `url`/`path`, with the app's navigation and the page's title shown."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(WAIT)
    page.set_default_navigation_timeout(WAIT)
    page.goto(f"{url}/{path}?lang={lang}")
    page.wait_for_selector(nav_link("rnn-cell"), timeout=90_000)  # st.navigation's list, not pages/*.py's
    wait_title(page, translate(PAGE_TITLES[path], lang), timeout=90_000)
    idle(page)
    return page


def go(page, path: str, lang: str) -> None:
    """Click `path` in the sidebar as a student does; wait for its address, its own title and the end of its run."""
    page.locator(nav_link(path)).first.click()  # "": the first link, home
    page.wait_for_function("p => new URL(location.href).pathname === '/' + p", arg=path, timeout=WAIT)
    wait_title(page, translate(PAGE_TITLES[path], lang))
    idle(page)


# ---------------------------------------------------------------- the tour

FIGURES = {  # each page's charts on its first screen, by key
    "": (),
    "rnn-cell": ("state_fig", "gates_fig", "unit_curve", "arch_fig"),
    "gradients": ("norms_fig", "jac_fig", "bptt_fig"),
    "language-model": ("sample_fig",),
    "music": ("mus_roll", "mus_real", "mus_arch", "mus_steps", "mus_diagram", "mus_surprise_fig"),
    "named-entities": ("ner_pair", "ner_m2m", "ner_brnn", "ner_states", "ner_diagram"),
    "embeddings": ("emb_map", "emb_analogy", "emb_onehot", "emb_pairs", "emb_sampling", "emb_bias_bars", "emb_debias"),
    "sentiment": ("sent_fig",),
    "attention": ("mt_heat", "mt_steps_attention", "mt_steps_plain", "mt_len", "mt_curve"),
    "beam-search": ("beam_tree", "beam_tree_prefix"),
    "trigger-word": ("trig_fig", "trig_diagram"),
    "transformer": ("tf_heat", "tf_heat_rnn", "tf_heads_cross", "tf_heads_encoder", "tf_heads_decoder", "tf_pe"),
    "train": (),
}
TEXT_BOX = {
    "rnn-cell": "cell_text",
    "language-model": "lm_text",
    "sentiment": "sent_text_{lang}",
    "named-entities": "ner_text_{lang}",
    "attention": "mt_text",
    "transformer": "tf_text",  # one line: a text input, not a text area
}  # the page's own text box ("your text"), by key
HOSTILE = "Ada Lovelace <b>x</b> 你好 😀"


def first_screen(page, path: str, lang: str) -> None:
    """What each page shows when it opens: its phenomenon, read from the drawn charts and the page's text."""
    if path == "":
        links = page.locator('[data-testid="stMain"] [data-testid="stPageLink"]')
        assert links.count() == len(PAGE_TITLES) - 1  # the topic map links every other page
    elif path == "rnn-cell":
        assert ticks(page, "state_fig") == "⏎andrew␣ng⏎mary␣johnson"  # a<t> of the default names
    elif path == "gradients":
        assert plot(page, "norms_fig", "g => [g._fullLayout.yaxis.type, g._fullLayout.yaxis3.type]") == ["log", "log"]
        metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert len(metrics) == 3 and "10^-" in metrics[0]  # the RNN's gradient shrinks by powers of 10
    elif path == "language-model":
        sampled = page.locator('[data-testid="stMain"] [data-testid="stCode"]').first.inner_text().strip()
        assert len(sampled.split("\n")) >= 3  # lines sampled by the model
    elif path == "music":  # a held-out chorale's first two bars, continued by the model in four voices; Bach's beside
        for key in ("mus_roll", "mus_real"):
            assert plot(page, key, "g => g.data.map(d => d.legendgroup)") == ["S", "A", "T", "B"]
            assert plot(page, key, "g => g.layout.shapes[0].x1") == 32  # the seed, shaded
        assert plot(page, "mus_roll", "g => Math.max(...g._fullData[0].base)") > 32  # notes after the seed
        assert page.locator('[data-testid="stAudio"]').count() == 2  # the model's and Bach's, playable
    elif path == "named-entities":  # the pair: the one-directional tagger's ŷ at the shared word is the same in both
        cols = plot(page, "ner_pair", "g => g._fullData.map(d => Array.from(d.z, r => r[3]))")
        assert len(cols) == 4 and cols[0] == cols[1] and cols[2] != cols[3], cols
        assert ("Teddy" if lang == "en" else "江") in ticks(page, "ner_pair")
    elif path == "embeddings":
        words = plot(page, "emb_analogy", "g => g.data[0].text.slice(0, 4)")
        assert words == ["man", "woman", "king", "queen"]  # the course's analogy on GloVe 6B
        zoom = plot(page, "emb_map", "g => g.layout.xaxis.range")  # the map opens on the marked words
        assert zoom is not None and len(zoom) == 2
    elif path == "sentiment":
        p = plot(page, "sent_fig", "g => Array.from(g._fullData[2].y)")
        first = ticks(page, "sent_fig")
        assert first == ("iamnotfeelinghappy" if lang == "en" else "我一点也不开心")
        assert p[-1] < 0.5  # the LSTM reads "not … happy" as negative
    elif path == "attention":
        assert ticks(page, "mt_heat", "yaxis") == "1989-06-13⏎"
        sums = plot(page, "mt_heat", "g => Array.from(g._fullData[0].z, r => Array.from(r).reduce((a, b) => a + b, 0))")
        assert len(sums) == 11 and all(abs(s - 1) < 1e-3 for s in sums)  # each output step's α sums to 1
    elif path == "transformer":  # the Transformer's cross-attention beside the RNN's α, on the same date
        row_sums = "g => Array.from(g._fullData[0].z, r => Array.from(r).reduce((a, b) => a + b, 0))"
        for key in ("tf_heat", "tf_heat_rnn"):
            assert ticks(page, key, "yaxis") == "1989-06-13⏎" and ticks(page, key) == "tuesday␣13␣june␣1989"
            sums = plot(page, key, row_sums)
            assert len(sums) == 11 and all(abs(s - 1) < 1e-3 for s in sums)  # each output step's weights sum to 1
        assert "Transformer" in main_text(page) and "1989-06-13" in main_text(page)
        causal = plot(page, "tf_heads_decoder", "g => g._fullData.map(d => Array.from(d.z[0]).slice(1))")
        assert causal and all(all(v == 0 for v in row) for row in causal)  # y<1> sees only ⏎: the mask
    elif path == "beam-search":
        ends = plot(page, "beam_tree", "g => g.data.flatMap(d => (d.customdata || []).map(c => c[0]))")
        assert "1989-06-13⏎" in ends and "1989-06-13" in main_text(page)
    elif path == "trigger-word":  # the default clip: ŷ<t> rises over the threshold once, and the chime is marked
        y = plot(page, "trig_fig", "g => Array.from(g._fullData[2].y)")
        chimes = plot(page, "trig_fig", "g => g.layout.shapes.filter(s => s.x0 === s.x1 && s.type === 'line').length")
        assert max(y) > 0.5 > min(y) and chimes == 2, (max(y), chimes)  # one chime, marked on x<t> and on ŷ<t>
        assert page.locator('[data-testid="stAudio"]').count() == 2  # the clip, and the clip with the chime


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tour_of_every_page(server, browser, lang):
    """Every page clicked in the sidebar, in one session: its title, its charts drawn, what it shows, and the
    student's own hostile text where the page takes text."""
    page = open_app(browser, server, lang)
    hrefs = page.eval_on_selector_all(nav_link(""), "els => els.map(e => new URL(e.href).pathname)")
    assert sorted(hrefs) == sorted("/" + p for p in PAGE_TITLES), hrefs  # st.navigation's pages, all of them
    assert not any(LEGACY_NAV.search(h) for h in hrefs)
    for path in [*list(PAGE_TITLES)[1:], ""]:  # every page, then back home
        go(page, path, lang)
        drawn(page, *FIGURES[path])
        assert problems(page) == [], (path, problems(page))
        sidebar = page.inner_text('[data-testid="stSidebar"]')
        assert ("Training device" if lang == "en" else "训练设备") in sidebar, sidebar
        first_screen(page, path, lang)
        if path in TEXT_BOX:  # a student types their own text, with a hostile bit in it
            box = page.locator(f".st-key-{TEXT_BOX[path].format(lang=lang)}").locator("textarea, input").first
            box.fill(HOSTILE)
            box.press("Enter" if box.evaluate("e => e.tagName") == "INPUT" else "Control+Enter")  # a line / an area
            visible_alert(page, "😀")  # the page says what it made of the characters it never saw
            idle(page)
            drawn(page, *FIGURES[path])
            assert problems(page) == [], (path, problems(page))
            assert page.query_selector("b:text-is('x')") is None  # user text never becomes HTML
            if path == "rnn-cell":
                assert ticks(page, "state_fig").startswith("⏎Ada␣Lovelace␣")
            if path == "attention":
                assert ticks(page, "mt_heat").startswith("ada␣lovelace␣")
            if path == "transformer":
                assert ticks(page, "tf_heat").startswith("ada␣lovelace␣") and ticks(page, "tf_heat_rnn") == ticks(
                    page, "tf_heat"
                )
    page.close()


# ---------------------------------------------------------------- single pages


@pytest.mark.parametrize(
    "payload,needle",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "does not look like text"),
        ("naïve café".encode("latin-1"), "not UTF-8"),
        (b"grace hopper\nalan turing\n", None),
    ],
    ids=["png", "latin-1", "utf-8"],
)
def test_upload_bad_and_good_files(server, browser, payload, needle):
    page = open_app(browser, server, "en", "rnn-cell")  # a deep link, as a bookmark opens it
    drawn(page, "state_fig")
    page.set_input_files(
        ".st-key-cell_text_upload input[type=file]",
        files=[{"name": "names.txt", "mimeType": "text/plain", "buffer": payload}],
    )
    if needle:
        page.wait_for_selector(f'[data-testid="stAlertContentError"]:has-text("{needle}")')
        idle(page)
        assert ticks(page, "state_fig") == "⏎andrew␣ng⏎mary␣johnson"  # the text box's names are still read
    else:  # the file's names are read
        page.wait_for_function(
            "() => document.querySelector('.st-key-state_fig .js-plotly-plot')"
            "?.layout.xaxis.ticktext.join('') === '⏎grace␣hopper⏎alan␣turing⏎'"
        )
        idle(page)
        assert problems(page) == [] and "names.txt" in main_text(page)
    assert page.query_selector_all('[data-testid="stException"]') == []
    page.close()


def test_gradients_presets_in_the_browser(server, browser):
    page = open_app(browser, server, "en")
    go(page, "gradients", "en")
    drawn(page, *FIGURES["gradients"])
    assert plot(page, "norms_fig", "g => g._fullLayout.yaxis.type") == "log"
    page.locator("button", has_text="Exploding case").first.click()
    visible_alert(page, "overflowed float32")
    idle(page)
    assert problems(page) == []
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text().startswith("overflow at")
    page.locator("button", has_text="rescued by clipping").first.click()
    visible_alert(page, "Clipping at 1.0 rescaled")
    idle(page)
    assert problems(page) == [] and not page.query_selector_all('[data-testid="stAlertContentWarning"]')
    drawn(page, *FIGURES["gradients"])
    page.close()


def test_a_shared_link_opens_the_same_view_in_a_new_tab(server, browser):
    """A teacher's settings travel in the address: the sidebar's link, opened in a new tab (a new session), shows the
    same view; a hand-edited nonsense value opens the default with a message."""
    from urllib.parse import parse_qs, urlsplit

    page = open_app(browser, server, "en")
    go(page, "gradients", "en")
    page.locator("button", has_text="Exploding case").first.click()
    visible_alert(page, "overflowed float32")
    idle(page)
    page.wait_for_function("() => location.search.includes('grad_')", timeout=WAIT)
    link, shown = page.url, page.locator('[data-testid="stMetricValue"]').first.inner_text()
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]', has_text="Share this view").click()
    boxed = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').last.inner_text().strip()
    assert parse_qs(urlsplit(boxed).query) == parse_qs(urlsplit(link).query)  # the box offers this view's address
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    other.set_default_timeout(WAIT)
    other.goto(boxed)
    wait_title(other, translate(PAGE_TITLES["gradients"], "en"), timeout=90_000)
    idle(other)
    assert other.locator('[data-testid="stMetricValue"]').first.inner_text() == shown.strip()
    assert problems(other) == []
    other.goto(f"{server}/gradients?grad_T=100000&grad_act=<b>x</b>")
    wait_title(other, translate(PAGE_TITLES["gradients"], "en"), timeout=90_000)
    idle(other)
    visible_alert(other, "Parts of this link could not be used")
    assert "grad_T" not in other.url and problems(other) == []
    page.close()
    other.close()


def test_sentiment_page_scores_chinese_and_english_in_a_real_browser(server, browser):
    page = open_app(browser, server, "zh")
    go(page, "sentiment", "zh")
    drawn(page, "sent_fig")  # plotly draws after the page's text
    assert problems(page) == [] and ticks(page, "sent_fig") == "我一点也不开心"
    assert plot(page, "sent_fig", "g => g._fullData[2].y.at(-1)") < 0.5
    assert page.query_selector_all("span[title]")  # the word chips
    page.locator('[data-testid="stSidebar"] label', has_text="英文").first.click()
    page.wait_for_function(
        "() => document.querySelector('.st-key-sent_fig .js-plotly-plot')"
        "?.layout.xaxis.ticktext.join(' ') === 'i am not feeling happy'"
    )
    # the first text match can be a cell of the table's hidden accessibility grid: wait for a visible one
    page.wait_for_selector("text=i am not feeling happy >> visible=true")
    idle(page)
    assert problems(page) == [] and page.query_selector_all("span[title]")
    assert plot(page, "sent_fig", "g => g._fullData[2].y.at(-1)") < 0.5
    page.close()


def test_embeddings_page_search_upload_and_train(server, browser):
    page = open_app(browser, server, "en")
    go(page, "embeddings", "en")
    drawn(page, *FIGURES["embeddings"], timeout=90_000)  # on the page's first visit the server compiles UMAP
    assert problems(page) == []
    box = page.get_by_label("Find a word and its nearest neighbours")
    box.fill("paris")
    box.press("Enter")
    page.wait_for_selector("text=Nearest neighbours of “paris” >> visible=true")
    page.wait_for_function(
        "() => document.querySelector('.st-key-emb_map .js-plotly-plot')"
        "?.data.some(d => JSON.stringify(d.text) === '[\"paris\"]')"
    )  # marked on the map
    idle(page)
    assert problems(page) == []
    page.locator(".st-key-emb_train_source_word2vec label", has_text="my file").first.click()
    upload = page.locator(".st-key-emb_train_upload_word2vec input[type=file]")
    upload.wait_for(state="attached")
    upload.set_input_files(files=[{"name": "junk.txt", "mimeType": "text/plain", "buffer": b"\x00\xff\x10" * 300}])
    visible_alert(page, "does not look like text")
    zh = ("我喜欢自然语言处理。今天天气很好，我们去公园散步。小猫在桌子上睡觉，小狗在院子里跑。" * 40).encode("utf-8")
    upload.set_input_files(files=[{"name": "课文.txt", "mimeType": "text/plain", "buffer": zh}])
    page.wait_for_selector("text=non-empty lines >> visible=true")
    idle(page)
    page.locator(".st-key-emb_train_go button").click()
    page.wait_for_selector("text=is ready >> visible=true", timeout=SLOW)  # queued, trained in a worker
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]')?.innerText.includes('skip-gram · word2vec-课文')"
    )  # listed and selected
    idle(page)
    assert problems(page) == []
    page.close()


def test_attention_page_plays_and_handles_odd_lines_in_a_real_browser(server, browser):
    page = open_app(browser, server, "en")
    go(page, "attention", "en")
    drawn(page, *FIGURES["attention"])
    assert problems(page) == []
    decoding = page.locator(".st-key-mt_steps_attention .js-plotly-plot")
    assert "ŷ = 1▌" in decoding.inner_text()  # opens on the first output character
    decoding.locator(".updatemenu-button").first.click()  # ▶ Play walks the output steps
    page.wait_for_function(
        "el => el.innerText.includes('ŷ = 1989-06-13⏎')", arg=decoding.element_handle(), timeout=15_000
    )
    box = page.locator(".st-key-mt_text textarea")
    box.fill("Tuesday 13 June 1989\n<b>x</b> 😀 12\nhello")
    box.press("Control+Enter")
    visible_alert(page, "never saw")
    visible_alert(page, "has no digit")
    idle(page)
    assert problems(page) == []
    assert page.query_selector("b:text-is('x')") is None  # user text never becomes HTML
    drawn(page, *FIGURES["attention"])
    assert ticks(page, "mt_heat") == "tuesday␣13␣june␣1989"  # the first line, still translated
    upload = ".st-key-mt_text_upload input[type=file]"
    page.set_input_files(
        upload, files=[{"name": "dates.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00" * 40}]
    )
    visible_alert(page, "does not look like text")
    idle(page)
    assert page.query_selector_all('[data-testid="stException"]') == []
    page.set_input_files(
        upload,
        files=[{"name": "dates.txt", "mimeType": "text/plain", "buffer": "13.06.89\n1989年6月13日星期二\n".encode()}],
    )
    page.wait_for_function(
        "() => document.querySelector('.st-key-mt_heat .js-plotly-plot')?.layout.xaxis.ticktext.join('') === '13.06.89'"
    )  # the file's first line, read
    idle(page)
    assert problems(page) == [] and "dates.txt" in main_text(page)
    assert ticks(page, "mt_heat", "yaxis") == "1989-06-13⏎"
    page.close()


@pytest.mark.parametrize("path,key", [("rnn-cell", "state_fig"), ("beam-search", "beam_tree")])
def test_animations_built_unchecked_play_in_a_real_browser(server, browser, path, key):
    """The a<t> animation and the beam tree (frames of plain dicts, plots.figure): Play changes what is drawn."""
    page = open_app(browser, server, "en")
    go(page, path, "en")
    drawn(page, key)
    fig = page.locator(f".st-key-{key} .js-plotly-plot")
    before = fig.inner_text()
    fig.locator(".updatemenu-button").first.click()  # ▶ Play from t = 0
    page.wait_for_function("([el, b]) => el.innerText !== b", arg=[fig.element_handle(), before], timeout=15_000)
    assert problems(page) == []
    page.close()


def test_beam_page_in_chinese_in_a_real_browser(server, browser):
    import sacrebleu

    page = open_app(browser, server, "zh")
    go(page, "beam-search", "zh")
    drawn(page, *FIGURES["beam-search"])
    assert problems(page) == []
    date = page.get_by_label("一个日期")
    date.fill("2024年2月29日星期四")
    date.press("Enter")
    page.wait_for_function(
        "() => (document.querySelector('.st-key-beam_tree .js-plotly-plot')?.data || [])"
        ".some(d => (d.customdata || []).some(c => c[0] === '2024-02-29⏎'))"
    )  # the new search
    visible_alert(page, "没有谁出错")
    idle(page)
    assert problems(page) == [] and "2024-02-29" in main_text(page)
    page.locator(".st-key-bleu_example label", has_text="中文").first.click()  # the Chinese BLEU example
    expected = sacrebleu.sentence_bleu(
        "猫在垫子上", ["猫坐在垫子上", "垫子上有一只猫"], tokenize="zh", smooth_method="exp"
    ).score
    page.wait_for_function(
        "v => document.querySelector('[data-testid=\"stMetricValue\"]')?.innerText === v", arg=f"{expected:.2f}"
    )
    idle(page)
    assert problems(page) == [] and page.locator(".st-key-bleu_cand input").input_value() == "猫在垫子上"
    page.close()


def test_train_page_trains_downloads_and_reopens_a_model(server, browser):
    page = open_app(browser, server, "en")
    go(page, "train", "en")
    assert problems(page) == []
    page.locator(".st-key-train_source_char_lm label", has_text="my file").first.click()
    upload = page.locator(".st-key-train_upload_char_lm input[type=file]")
    upload.wait_for(state="attached")
    upload.set_input_files(files=[{"name": "class.txt", "mimeType": "text/plain", "buffer": b"\x00\x01\x02" * 200}])
    visible_alert(page, "does not look like text")
    lines = (
        "\n".join(
            f"{a} {b}"
            for a in ("ada", "alan", "grace", "claude", "edsger")
            for b in ("lovelace", "turing", "hopper", "shannon", "dijkstra", "knuth")
        )
        + "\n<b>x</b> 你好 😀\n"
    )
    upload.set_input_files(files=[{"name": "class.txt", "mimeType": "text/plain", "buffer": lines.encode()}])
    page.wait_for_selector("text=non-empty lines >> visible=true")
    idle(page)
    page.locator(".st-key-train_go button").click()
    page.wait_for_selector("text=Training “char_lm-class” >> visible=true")  # the live panel: bar, curves, Stop
    page.wait_for_selector("text=is ready >> visible=true", timeout=SLOW)
    idle(page)
    assert problems(page) == [] and page.query_selector("b:text-is('x')") is None
    assert "character model · trained here" in main_text(page)
    with page.expect_download(timeout=WAIT) as dl:
        page.locator("button", has_text="Download").first.click()
    zipped = Path(dl.value.path()).read_bytes()
    assert zipped[:2] == b"PK"  # a zip
    ckpt = page.locator(".st-key-train_ckpt_upload input[type=file]")
    ckpt.set_input_files(files=[{"name": "model.json", "mimeType": "application/json", "buffer": b"{not json"}])
    page.wait_for_selector("text=cannot be opened as a SeqViz model >> visible=true")
    ckpt.set_input_files(files=[{"name": "again.zip", "mimeType": "application/zip", "buffer": zipped}])
    page.wait_for_selector("text=opened from your files >> visible=true")
    idle(page)
    assert problems(page) == []
    go(page, "language-model", "en")
    assert "⭐" in page.inner_text('[data-testid="stSidebar"]')  # listed on the other pages of this session
    page.close()


def test_music_page_sounds_and_plays_in_a_real_browser(server, browser):
    """The music page's two WAVs load in the browser's audio player, ▶ Play walks the sampled steps (the play-head
    and ŷ<t>'s bars move), and a drums-only MIDI file gets its message while the chorale's seed stays."""
    import io

    import pretty_midi

    page = open_app(browser, server, "en", "music")
    drawn(page, *FIGURES["music"])
    assert problems(page) == []
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stAudio\"]')].filter(a => a.duration > 5).length === 2",
        timeout=WAIT,
    )  # decoded: several seconds of sound each
    steps = page.locator(".st-key-mus_steps .js-plotly-plot")
    head = "g => g.layout.shapes.find(s => s.type === 'line' && s.line.width === 3).x0"
    before = plot(page, "mus_steps", head)
    steps.locator(".updatemenu-button").first.click()  # ▶ Play
    page.wait_for_function(
        f"([el, b]) => ({head})(el) > b", arg=[steps.element_handle(), before], timeout=15_000
    )  # the play-head moved on with the steps
    pm = pretty_midi.PrettyMIDI()
    drums = pretty_midi.Instrument(0, is_drum=True)
    drums.notes = [pretty_midi.Note(90, 36, i / 2, i / 2 + 0.25) for i in range(40)]
    pm.instruments.append(drums)
    buf = io.BytesIO()
    pm.write(buf)
    page.locator('[data-testid="stSidebar"] label', has_text="Your MIDI or MusicXML file").first.click()
    upload = page.locator(".st-key-mus_upload input[type=file]")
    upload.wait_for(state="attached")
    upload.set_input_files(files=[{"name": "drums.mid", "mimeType": "audio/midi", "buffer": buf.getvalue()}])
    page.wait_for_selector('[data-testid="stAlertContentError"]:has-text("only drums") >> visible=true')
    idle(page)
    drawn(page, "mus_roll")
    assert page.query_selector_all('[data-testid="stException"]') == []
    assert plot(page, "mus_roll", "g => g.data.length") == 4  # the chorale's seed, continued
    page.close()

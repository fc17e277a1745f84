"""A small Streamlit client: one browser tab driven over the websocket protocol, for load tests.

It speaks what the browser speaks on `/_stcore/stream`: it sends `BackMsg.rerun_script` with a
`ClientState` (query string, page by `page_script_hash` or url path, widget values) and reads the
`ForwardMsg`s of the run until `script_finished`. Nothing is drawn; what a run showed is summed up
in a `Run` (exceptions, error boxes, text boxes, seconds) and its raw bytes are kept for checks.

    async with Tab("http://127.0.0.1:8501", query="lang=zh") as tab:
        run = await tab.open("")                     # the home page
        run = await tab.open("rnn-cell")             # a page by its url path
        box = run.sentence_box()                     # the page's text box, if it has one
        run = await tab.type(box, "my own sentence") # what the browser sends after typing
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus
ERROR_BOX = 1  # Alert.Format.ERROR: an st.error box
SENTENCE_CHARS = 400  # a text input this long (or unlimited) takes a sentence; shorter ones take a word


@dataclass
class TextBox:
    """A text area or text input the page showed (where a student can type)."""

    id: str  # widget id ("$$ID-<hash>-<key>")
    kind: str  # "text_area" or "text_input"
    max_chars: int  # 0: no limit
    in_form: bool  # inside st.form: its value is sent only on submit

    @property
    def key(self) -> str:
        """The user key the page gave the widget ("" when none)."""
        return self.id.rsplit("-", 1)[-1] if self.id.startswith("$$ID") else ""


@dataclass
class Run:
    """What one script run sent back to the tab."""

    page: str  # url path asked for ("" = default page)
    seconds: float = 0.0  # from the rerun request to script_finished
    status: str = ""  # "ok", "rerun", "compile_error", "timeout", "closed"
    exceptions: list[str] = field(default_factory=list)  # "Type: message" of each exception element
    errors: list[str] = field(default_factory=list)  # body of each st.error box
    boxes: list[TextBox] = field(default_factory=list)  # text boxes, in the order the page made them
    shown: dict = field(default_factory=dict)  # id -> WidgetState: the radios' and checkboxes' values, which a
    # browser sends back with every rerun (the sidebar's language too)
    n_elements: int = 0
    n_bytes: int = 0
    page_hash: str = ""  # page_script_hash the server ran
    page_not_found: bool = False
    raw: list[bytes] = field(default_factory=list)  # every message's bytes (for leak checks)

    @property
    def ok(self) -> bool:
        """Finished normally (an exception shown on the page still counts as finished)."""
        return self.status == "ok"

    def sentence_box(self) -> TextBox | None:
        """The first box outside a form that takes a sentence: a text area, or a text input of >= 400 chars."""
        for b in self.boxes:
            if not b.in_form and (b.kind == "text_area" or b.max_chars == 0 or b.max_chars >= SENTENCE_CHARS):
                return b
        return None


class Tab:
    """One browser tab on a Streamlit server: a websocket session that runs pages on request."""

    def __init__(self, url: str, query: str = "", timeout: float = 120.0, keep_raw: bool = True):
        self.url = url.rstrip("/")
        self.query = query  # query string without "?", e.g. "lang=zh"
        self.timeout = timeout  # seconds one run may take before it counts as failed
        self.keep_raw = keep_raw
        self.pages: dict[str, str] = {}  # url path -> page_script_hash (from the navigation message)
        self.page = ""  # url path of the page shown now
        self.page_hash = ""
        self.widgets: dict[str, WidgetState] = {}  # values this tab has set on the page shown now
        self.shown: dict[str, WidgetState] = {}  # radio / checkbox values of the last run (Run.shown)
        self._ws = None
        self._inbox: asyncio.Queue = asyncio.Queue()
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> Tab:
        ws_url = self.url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self._ws = await connect(
            ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
            compression=None,
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass

    async def _read(self) -> None:
        """Read messages as fast as they come (a slow reader makes the server drop the session)."""
        try:
            async for data in self._ws:
                await self._inbox.put(data)
        except Exception as err:  # the connection broke: wake whoever waits for a run
            await self._inbox.put(err)
        await self._inbox.put(None)

    async def open(self, page: str) -> Run:
        """Go to a page by url path ("" = the default page), as a click on its link does."""
        if page != self.page:  # a browser sends no widget values with a page change (the sidebar's
            self.widgets, self.shown = {}, {}  # language survives it through session state and the address)
        self.page = page
        return await self._rerun()

    async def type(self, box: TextBox, text: str) -> Run:
        """Type `text` into a text box (cut to its max_chars, as the browser does) and run the page."""
        state = WidgetState(id=box.id, string_value=text[: box.max_chars] if box.max_chars else text)
        self.widgets[box.id] = state
        return await self._rerun()

    async def _rerun(self) -> Run:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        if self.page in self.pages:
            cs.page_script_hash = self.pages[self.page]
        else:
            cs.page_name = self.page  # first visit: by url path, as a typed-in address does
        cs.widget_states.widgets.extend({**self.shown, **self.widgets}.values())
        run = Run(self.page)
        t0 = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        try:
            await asyncio.wait_for(self._collect(run), self.timeout)
        except TimeoutError:
            run.status = "timeout"
        run.seconds = time.perf_counter() - t0
        return run

    async def _collect(self, run: Run) -> None:
        """Read the run's messages until it finishes."""
        while True:
            data = await self._inbox.get()
            if data is None or isinstance(data, Exception):
                run.status = "closed"
                return
            run.n_bytes += len(data)
            if self.keep_raw:
                run.raw.append(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta":
                self._delta(fm.delta, run)
            elif kind == "new_session":
                run.page_hash = self.page_hash = fm.new_session.page_script_hash
            elif kind == "navigation":
                for p in fm.navigation.app_pages:
                    self.pages[p.url_pathname if not p.is_default else ""] = p.page_script_hash
                    self.pages.setdefault(p.url_pathname, p.page_script_hash)
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string  # the app changed the address (st.query_params)
            elif kind == "page_not_found":
                run.page_not_found = True
            elif kind == "script_finished":
                status = fm.script_finished
                if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun(): the next run follows on its own
                run.status = "compile_error" if status == FINISHED.FINISHED_WITH_COMPILE_ERROR else "ok"
                self.shown = run.shown
                return

    @staticmethod
    def _delta(delta, run: Run) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        run.n_elements += 1
        kind = el.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "alert" and el.alert.format == ERROR_BOX:
            run.errors.append(el.alert.body)
        elif kind in ("text_area", "text_input"):
            w = getattr(el, kind)
            run.boxes.append(TextBox(w.id, kind, int(w.max_chars), bool(w.form_id)))
        elif kind == "radio" and not el.radio.form_id:
            w = el.radio
            value = w.raw_value if w.set_value else (w.options[w.default] if w.HasField("default") else None)
            if value is not None:
                run.shown[w.id] = WidgetState(id=w.id, string_value=value)
        elif kind == "checkbox" and not el.checkbox.form_id:
            w = el.checkbox
            run.shown[w.id] = WidgetState(id=w.id, bool_value=w.value if w.set_value else w.default)

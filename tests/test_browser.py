"""A real-browser tour: every page in headless Chromium, in English and 中文, with no exception shown."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install -y chromium); "
                                                         ".ci/run installs it")
playwright = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        os.killpg(proc.pid, signal.SIGTERM)
        pytest.fail("streamlit did not start")
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=10)


def settle(page, limit=90):
    """Wait until Streamlit's running indicator has been gone for a moment."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=limit * 1000)
    t0, quiet = time.time(), None
    while time.time() - t0 < limit:
        busy = page.query_selector('[data-testid="stStatusWidget"]')
        if busy is None or not busy.is_visible():
            quiet = quiet or time.time()
            if time.time() - quiet > 0.8:
                return
        else:
            quiet = None
        time.sleep(0.1)
    raise AssertionError("page did not settle")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the whole module."""
    pw = playwright.sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield b
    b.close()
    pw.stop()


APP_NAV = '[data-testid="stSidebarNav"] a[href$="/rnn-cell"], [data-testid="stSidebarNavLink"][href$="/rnn-cell"]'


def open_page(browser, url: str):
    """A fresh page (a new Streamlit session) at `url`, settled, with the app's own navigation shown.

    On a server's first session Streamlit briefly lists the pages/*.py files by name (its legacy
    multipage mode) until app.py's st.navigation replaces them; wait for the real navigation.
    """
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector(APP_NAV, timeout=90_000)
    settle(page)
    return page


def open_via_nav(browser, server: str, path: str, lang: str, shown: str, timeout: int = 90_000):
    """The app first, then `path` clicked in the sidebar as a student does; waits until `shown` is on the page."""
    page = open_page(browser, f"{server}/?lang={lang}")
    page.click(f'[data-testid="stSidebarNav"] a[href$="/{path}"], [data-testid="stSidebarNavLink"][href$="/{path}"]')
    page.wait_for_selector(f"text={shown}", timeout=timeout)
    settle(page)
    return page


def problems(page) -> list[str]:
    return page.eval_on_selector_all('[data-testid="stException"], [data-testid="stAlertContentError"]',
                                     "els => els.map(e => e.innerText.slice(0, 300))")


@pytest.mark.parametrize("lang,title", [("en", "Inside the RNN cell"), ("zh", "RNN 单元内部")])
def test_every_page_opens_without_exception(server, browser, lang, title):
    page = open_page(browser, f"{server}/?lang={lang}")
    links = page.eval_on_selector_all('[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavLink"]',
                                      "els => [...new Set(els.map(e => e.href))]")
    assert len(links) >= 2, links
    seen = []
    for link in links:     # click through the sidebar as a student does (same session, same language)
        page.click(f'[data-testid="stSidebarNav"] a[href="{link}"], [data-testid="stSidebarNavLink"][href="{link}"]')
        time.sleep(0.5)
        settle(page)
        assert page.url.split("?")[0] == link
        assert problems(page) == [], (link, problems(page))
        seen.append(page.inner_text("h1"))
        sidebar = page.inner_text('[data-testid="stSidebar"]')
        assert ("Training device" if lang == "en" else "训练设备") in sidebar, sidebar
        box = page.query_selector("textarea")
        if box:   # a student types their own text, with a hostile bit in it
            box.fill("Ada Lovelace <b>x</b> 你好 😀")
            box.press("Control+Enter")
            settle(page)
            assert problems(page) == [], (link, problems(page))
            assert page.query_selector("b:text-is('x')") is None        # user text never becomes HTML
            assert page.query_selector_all(".js-plotly-plot"), "no chart drawn"
    assert title in seen
    page.close()


@pytest.mark.parametrize("payload,needle", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "does not look like text"),
    ("naïve café".encode("latin-1"), "not UTF-8"),
    ("grace hopper\nalan turing\n".encode("utf-8"), None),
])
def test_upload_bad_and_good_files(server, browser, payload, needle):
    page = open_page(browser, f"{server}/rnn-cell?lang=en")
    page.set_input_files('input[type="file"]', files=[{"name": "names.txt", "mimeType": "text/plain",
                                                        "buffer": payload}])
    settle(page)
    exc = page.eval_on_selector_all('[data-testid="stException"]', "els => els.map(e => e.innerText)")
    errors = page.eval_on_selector_all('[data-testid="stAlertContentError"]', "els => els.map(e => e.innerText)")
    assert exc == []
    if needle:
        assert any(needle in e for e in errors), errors
    else:
        assert errors == [] and "names.txt" in page.inner_text('[data-testid="stMain"]')
    assert page.query_selector_all(".js-plotly-plot"), "the page lost its charts"
    page.close()


def test_gradients_presets_in_the_browser(server, browser):
    page = open_via_nav(browser, server, "gradients", "en", "Exploding case", timeout=60000)
    page.locator("button", has_text="Exploding case").first.click()
    warning = '[data-testid="stAlertContentWarning"]'
    page.wait_for_selector(f"{warning}:has-text('overflowed float32')", timeout=60000)
    assert problems(page) == []
    page.locator("button", has_text="rescued by clipping").first.click()
    page.wait_for_selector("text=Clipping at 1.0 rescaled", timeout=60000)
    settle(page)
    assert problems(page) == [] and not page.query_selector_all(warning)
    assert len(page.query_selector_all(".js-plotly-plot")) >= 3
    page.close()


def test_sentiment_page_scores_chinese_and_english_in_a_real_browser(server, browser):
    page = open_via_nav(browser, server, "sentiment", "zh", "我一点也不开心", timeout=60000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)     # plotly draws after the page's text
    assert problems(page) == []
    assert page.query_selector_all(".js-plotly-plot") and page.query_selector_all("span[title]")   # figure and word chips
    page.locator('[data-testid="stSidebar"] label', has_text="英文").first.click()
    # the first match can be a cell of the table's hidden accessibility grid: wait for a visible one
    page.wait_for_selector("text=i am not feeling happy >> visible=true", timeout=60000)
    settle(page)
    assert problems(page) == [] and page.query_selector_all("span[title]")
    page.close()


def test_embeddings_page_search_upload_and_train(server, browser):
    page = open_via_nav(browser, server, "embeddings", "en", "Nearest neighbours of")
    # plotly draws after the text, and on the page's first visit the server is also compiling UMAP
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=90_000)
    assert problems(page) == [] and len(page.query_selector_all(".js-plotly-plot")) >= 5
    box = page.get_by_label("Find a word and its nearest neighbours")
    box.fill("paris")
    box.press("Enter")
    page.wait_for_selector("text=Nearest neighbours of “paris”", timeout=60000)
    settle(page)
    assert problems(page) == []
    page.locator("label", has_text="my file").first.click()
    settle(page)
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]').last
    upload.set_input_files(files=[{"name": "junk.txt", "mimeType": "text/plain", "buffer": b"\x00\xff\x10" * 300}])
    page.wait_for_selector("text=does not look like text", timeout=120000)
    zh = ("我喜欢自然语言处理。今天天气很好，我们去公园散步。小猫在桌子上睡觉，小狗在院子里跑。" * 40).encode("utf-8")
    upload.set_input_files(files=[{"name": "课文.txt", "mimeType": "text/plain", "buffer": zh}])
    page.wait_for_selector("text=non-empty lines", timeout=120000)
    settle(page)
    page.locator("button", has_text="Train").last.click()
    page.wait_for_selector("text=is ready", timeout=240000)          # queued, trained in a worker process
    settle(page)
    assert problems(page) == []
    assert "skip-gram · word2vec-课文" in page.inner_text('[data-testid="stSidebar"]')
    page.close()


def test_attention_page_plays_and_handles_odd_lines_in_a_real_browser(server, browser):
    page = open_via_nav(browser, server, "attention", "en", "Where the model looks")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    assert problems(page) == []
    plots = page.query_selector_all(".js-plotly-plot")
    assert len(plots) >= 5                                   # heatmap, two decodings, by length, learning curve
    decoding = plots[1]
    assert "ŷ = 1▌" in decoding.inner_text()                 # opens on the first output character
    decoding.query_selector_all(".updatemenu-button")[0].click()        # ▶ Play walks the output steps
    page.wait_for_function("el => el.innerText.includes('ŷ = 1989-06-13⏎')", arg=decoding, timeout=15000)
    box = page.query_selector("textarea")
    box.fill("Tuesday 13 June 1989\n<b>x</b> 😀 12\nhello")
    box.press("Control+Enter")
    settle(page)
    assert problems(page) == []
    assert page.query_selector("b:text-is('x')") is None                 # user text never becomes HTML
    warnings = page.inner_text('[data-testid="stMain"]')
    assert "never saw" in warnings and "has no digit" in warnings
    assert len(page.query_selector_all(".js-plotly-plot")) >= 5
    page.set_input_files('input[type="file"]', files=[{"name": "dates.txt", "mimeType": "text/plain",
                                                        "buffer": b"\x89PNG\r\n\x1a\n\x00\x00" * 40}])
    settle(page)
    assert page.query_selector_all('[data-testid="stException"]') == []
    assert "does not look like text" in page.inner_text('[data-testid="stMain"]')
    page.set_input_files('input[type="file"]', files=[{"name": "dates.txt", "mimeType": "text/plain",
                                                        "buffer": "13.06.89\n1989年6月13日星期二\n".encode()}])
    settle(page)
    assert problems(page) == [] and "dates.txt" in page.inner_text('[data-testid="stMain"]')
    page.close()


@pytest.mark.parametrize("path,shown", [("rnn-cell", "Hidden state a<t>"), ("beam-search", "The search, step by step")])
def test_animations_built_unchecked_play_in_a_real_browser(server, browser, path, shown):
    """The a<t> animation and the beam tree (frames of plain dicts, plots.figure): Play changes what is drawn."""
    page = open_via_nav(browser, server, path, "en", shown)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    fig = page.query_selector_all(".js-plotly-plot")[0]
    before = fig.inner_text()
    fig.query_selector_all(".updatemenu-button")[0].click()            # ▶ Play from t = 0
    page.wait_for_function("([el, b]) => el.innerText !== b", arg=[fig, before], timeout=15000)
    assert problems(page) == []
    page.close()


def test_beam_page_in_chinese_in_a_real_browser(server, browser):
    page = open_via_nav(browser, server, "beam-search", "zh", "集束搜索与 BLEU 得分")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    assert problems(page) == [] and len(page.query_selector_all(".js-plotly-plot")) >= 2
    date = page.get_by_label("一个日期")
    date.fill("1989年6月13日星期二")
    date.press("Enter")
    settle(page)
    main = page.inner_text('[data-testid="stMain"]')
    assert problems(page) == [] and "1989-06-13" in main and "没有谁出错" in main
    page.locator('[data-testid="stMain"] label', has_text="中文").first.click()     # the Chinese BLEU example
    settle(page)
    assert problems(page) == [] and "BLEU 得分" in page.inner_text('[data-testid="stMain"]')
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() != ""
    page.close()


def test_train_page_trains_downloads_and_reopens_a_model(server, browser):
    page = open_via_nav(browser, server, "train", "en", "Train a new model")
    assert problems(page) == []
    page.locator("label", has_text="my file").first.click()
    settle(page)
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
    upload.set_input_files(files=[{"name": "class.txt", "mimeType": "text/plain", "buffer": b"\x00\x01\x02" * 200}])
    page.wait_for_selector("text=does not look like text", timeout=60000)
    lines = "\n".join(f"{a} {b}" for a in ("ada", "alan", "grace", "claude", "edsger") for b in
                      ("lovelace", "turing", "hopper", "shannon", "dijkstra", "knuth")) + "\n<b>x</b> 你好 😀\n"
    upload.set_input_files(files=[{"name": "class.txt", "mimeType": "text/plain", "buffer": lines.encode()}])
    page.wait_for_selector("text=non-empty lines", timeout=60000)
    settle(page)
    page.locator("button", has_text="Train").last.click()
    page.wait_for_selector("text=Training “char_lm-class”", timeout=60000)   # the live panel: bar, curves, Stop
    page.wait_for_selector("text=is ready", timeout=240000)
    settle(page)
    assert problems(page) == [] and page.query_selector("b:text-is('x')") is None
    assert "character model · trained here" in page.inner_text('[data-testid="stMain"]')
    with page.expect_download() as dl:
        page.locator("button", has_text="Download").first.click()
    zipped = Path(dl.value.path()).read_bytes()
    ckpt = page.locator('[data-testid="stFileUploader"] input[type="file"]').last
    ckpt.set_input_files(files=[{"name": "model.json", "mimeType": "application/json", "buffer": b"{not json"}])
    page.wait_for_selector("text=cannot be opened as a SeqViz model", timeout=60000)
    ckpt.set_input_files(files=[{"name": "again.zip", "mimeType": "application/zip", "buffer": zipped}])
    page.wait_for_selector("text=opened from your files", timeout=60000)
    settle(page)
    assert problems(page) == []
    page.click('[data-testid="stSidebarNav"] a[href$="/language-model"], [data-testid="stSidebarNavLink"][href$="/language-model"]')
    settle(page)
    assert "⭐" in page.inner_text('[data-testid="stSidebar"]')          # listed on the other pages of this session
    page.close()

"""Bad input never raises: empty, huge, binary, non-UTF-8, Chinese, emoji, HTML."""

from seqviz.core.text import MAX_CHARS, clean_text, decode_upload


def test_empty_and_whitespace_are_refused():
    for s in ["", "   \n\t ", None]:
        c = clean_text(s)
        assert not c.ok and c.problems == ["empty"]


def test_huge_paste_is_cut_with_a_note():
    c = clean_text("x" * 1_000_000)
    assert c.ok and len(c.text) == MAX_CHARS and c.problems == ["cut"]
    assert c.info == {"n_chars": 1_000_000, "max_chars": MAX_CHARS}


def test_chinese_emoji_html_pass_through_unchanged():
    s = "你好 😀 <script>alert(1)</script>"
    assert clean_text(s).text == s and clean_text(s).problems == []


def test_windows_newlines_normalised():
    assert clean_text("a\r\nb\rc").text == "a\nb\nc"


def test_upload_utf8_with_bom():
    c = decode_upload("\ufeffmary smith\n张伟".encode("utf-8"))
    assert c.text == "mary smith\n张伟" and c.ok


def test_upload_binary_non_utf8_and_too_big():
    assert decode_upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").problems == ["binary"]
    bad = decode_upload("naïve café".encode("latin-1"))
    assert bad.problems == ["not_utf8"] and bad.info["position"] == 3 and not bad.ok
    assert decode_upload(b"a" * 10, max_bytes=5).problems == ["too_big"]
    assert decode_upload(bytes(range(1, 32)) * 3).problems == ["binary"]


def test_upload_empty_file():
    assert decode_upload(b"").problems == ["empty_file"]
    assert decode_upload(b" \n\t ").problems == ["empty_file"]

"""Trigger-word detection (触发字检测): a spectrogram x<t> in, ŷ<t> = P("activate" just said) out at every step."""

from seqviz.speech import kind  # noqa: F401  (registers the "trigger" model kind)

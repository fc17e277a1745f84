"""The app's pages in one place: app.py's navigation and the home page's topic map both read it."""

WEEK1 = [  # (page file, title key, icon, url path); the file stem differs from the url on purpose
    ("pages/rnn_cell.py", "nav.cell", "🔁", "rnn-cell"),
    ("pages/vanishing_gradients.py", "nav.grad", "📉", "gradients"),
    ("pages/language_model.py", "nav.lm", "✍️", "language-model"),
    ("pages/music.py", "nav.music", "🎼", "music"),
    ("pages/named_entities.py", "nav.ner", "🏷️", "named-entities"),
]
WEEK2 = [
    ("pages/word_embeddings.py", "nav.emb", "🗺️", "embeddings"),
    ("pages/sentiment_classifier.py", "nav.sent", "💬", "sentiment"),
]
WEEK3 = [
    ("pages/attention_model.py", "nav.mt", "🎯", "attention"),
    ("pages/beam_search_bleu.py", "nav.beam", "🌳", "beam-search"),
    ("pages/trigger_word.py", "nav.trig", "🔔", "trigger-word"),
]
SECTIONS = [("nav.group.week1", WEEK1), ("nav.group.week2", WEEK2)]  # (group title key, its pages)
SECTIONS.append(("nav.group.week3", WEEK3))
WEEK4 = [("pages/transformer.py", "nav.tf", "🤖", "transformer")]
SECTIONS.append(("nav.group.week4", WEEK4))
STUDIO = [("pages/train.py", "nav.train", "🏋️", "train")]
SECTIONS.append(("nav.group.studio", STUDIO))
TITLES = {file: key for _, pages in SECTIONS for file, key, _, _ in pages}  # page file -> its title key

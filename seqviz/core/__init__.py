"""What every topic shares: device, vocabulary, text, bundled data, checkpoint I/O, the training loop and the
model-kind registry. Nothing here imports a topic package."""

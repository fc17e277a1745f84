"""Training any registered model kind: one runner for the studio and the rebuild command, and the queue."""

"""Speed and memory figures of SeqViz: each script prints its own (`python -m benchmarks.NAME`)."""

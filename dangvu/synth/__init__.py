"""`dangvu synth`: a deterministic national-shaped dataset for benchmarks (see README, "Benchmarks")."""

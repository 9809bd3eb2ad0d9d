"""Coverage-guided fuzzing of the readers, tokenizer and scan with atheris (libFuzzer)."""

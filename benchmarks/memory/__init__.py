"""Peak memory of ``dedup scan`` on a large JSONL input (1 GiB by default), against holding it all."""

"""Speed benchmarks: dedup against named baselines, timed in one run on the same input.

``python -m benchmarks.speed [--quick] [--only NAME]`` runs them and writes
``benchmarks/results/speed.json`` (``speed-quick.json`` with ``--quick``). Each
benchmark is a module with ``run(quick) -> dict``:

* ``signatures``: MinHash signatures per second vs datasketch and rensa, and the
  tokenise+hash floor;
* ``scan``: end-to-end ``dedup.scan`` at 10k and 100k articles (wall time, peak RSS),
  each size in its own subprocess;
* ``lsh``: band keys + candidate pairs vs datasketch ``MinHashLSH`` insert+query.
"""

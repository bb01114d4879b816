"""Benchmarks of alliance_games against the anchors (nashpy, pygambit, QuantEcon).

Run ``python -m benchmarks`` (``make bench``); ``python -m benchmarks --help`` lists the options.
The benchmarks are never part of the test suite.
"""

"""The benchmark suite of issue 11: `priemnaya bench generate` and `priemnaya bench run`.

generate.py fills a database with appeals as a service five years old would hold them; run.py
builds a fresh database, starts the server the production way, drives the scenarios with a load
tool (load.py) and writes bench/results/<date>.json and the table in docs/performance.md.
"""

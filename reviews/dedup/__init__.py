"""Duplicate detection for bibliographic records: pure Python, no Django.

``engine.find_pairs`` scores candidate pairs, ``engine.classify`` splits them into automatic
merges and a review queue, ``clusters.clusters`` groups the accepted pairs.
"""

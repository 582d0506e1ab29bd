"""Open data shaped like data.police.uk, at /opendata/api/: what the police publish, for anyone.

Reads other apps only through their read surfaces (``metrics.py``); publishes no person, phone,
free text or exact address, and suppresses small counts (``analytics.disclosure``).
"""

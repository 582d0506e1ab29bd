"""Start pages of staff: the district inspector's workspace and the head's department page.

A consumer of other apps: it reads them only through their ``metrics`` read surfaces.
"""

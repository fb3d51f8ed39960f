"""The facts of one target at one date, in named stages (the façade is :mod:`goalcheck.facts`).

1. :mod:`._goal` resolves the goal in force: the direction, the checkpoint due next, relative
   targets, and (later, once the window has fixed the baseline) a band's edge.
2. :mod:`._window` fixes the window: which actuals count, the baseline, the origin of the clock.
3. :mod:`._scan` reads the measurements once into an :class:`~._scan.Aggregate`.
4. :mod:`._derive` turns goal, window and aggregate into facts with plain scalar functions,
   one per fact or group of facts, so that a columnar backend can mirror them one by one.

:mod:`._plan` says which facts a caller wants and builds their dict.
"""

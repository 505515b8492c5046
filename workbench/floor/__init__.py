"""The life of a lot at the point of handling: receiving, holds, pick proposals by FEFO or
FIFO, scan to confirm, manual override with a reason, production completion and shipping.

Plain functions over a session (the caller owns the transaction) returning dataclasses; no
Qt. What is consumed and shipped is written to the same tables the investigation reads
(``consumptions``, ``outputs``, ``shipments``, ``lot_edges``), so every trace, recall and
history sees floor-recorded work as soon as the transaction commits.
"""

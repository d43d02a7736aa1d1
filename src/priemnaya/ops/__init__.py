"""Operations: what the running installation reports about itself (metrics of its queues)."""

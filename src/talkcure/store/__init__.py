from talkcure.store.repository import Store

__all__ = ["Store"]

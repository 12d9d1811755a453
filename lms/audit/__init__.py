"""The audit log: `record()` an action in the transaction that carries it out; admins read it at /admin/audit."""
from lms.audit.services import Target, record, record_now

__all__ = ["Target", "record", "record_now"]

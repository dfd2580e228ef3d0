from asinflow_runtime.embedded.stack import EmbeddedStack

__all__ = ["EmbeddedStack"]

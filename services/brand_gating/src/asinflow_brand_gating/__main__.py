"""``python -m asinflow_brand_gating``: the service; ``python -m asinflow_brand_gating rebuild``: rebuild the
registry from its history on ``DATABASE_URL`` and print ``{"replayed": N}`` (``asinflow brand rebuild`` runs it)."""

import sys

from asinflow_runtime.service import run_service

from asinflow_brand_gating.app import SPEC

if __name__ == "__main__":
    if sys.argv[1:] == ["rebuild"]:
        from asinflow_brand_gating.replay import main

        sys.exit(main())
    run_service(SPEC)

from asinflow_runtime.service import run_service

from asinflow_brand_gating.app import SPEC

if __name__ == "__main__":
    run_service(SPEC)

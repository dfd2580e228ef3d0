from asinflow_runtime.service import run_service

from asinflow_creation_quota.app import SPEC

if __name__ == "__main__":
    run_service(SPEC)

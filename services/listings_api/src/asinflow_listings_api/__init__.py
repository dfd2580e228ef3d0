"""The listings API: sellers' and operators' HTTP entry to asinflow (issue 13; docs/api.md, docs/openapi.json)."""

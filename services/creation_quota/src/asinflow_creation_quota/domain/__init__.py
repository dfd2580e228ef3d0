"""Pure quota rules: ISO weeks, capacity from sales, withdrawal, release order. No I/O."""

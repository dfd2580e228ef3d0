from asinflow_listings_api.bootstrap import main

if __name__ == "__main__":
    main()

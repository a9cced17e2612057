"""Stage two of the pipeline: plan the site from the catalog and render its pages."""

-- Rate limits GitHub answered, remembered until their reset so that no replica calls into a known
-- limit (RateLimits): scope 'app' for the App's own calls, 'installation:<id>' for an installation's.
CREATE TABLE github_rate_limits (
    scope       text        PRIMARY KEY,
    limited_until timestamptz NOT NULL
);

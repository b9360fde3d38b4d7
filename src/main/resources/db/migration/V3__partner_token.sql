-- Runs on PostgreSQL and on H2 (MODE=PostgreSQL): keep to the SQL both understand.

-- OAuth tokens of partners whose refresh token rotates (Exact Online): every refresh answers a new refresh
-- token and spends the old one. The current one lives here, written before the access token that came
-- with it is used, and a hub instance refreshes only while it holds the row's lock (select ... for update),
-- so two instances never present the same refresh token. seed_sha256 is the hash of the refresh token
-- configured by a person: a different one in the configuration means they authorised the hub again.
create table partner_token (
    connector_id       varchar(64)   primary key,
    refresh_token      varchar(4000) not null,
    access_token       varchar(8000),
    access_expires_at  timestamp with time zone,
    seed_sha256        varchar(64)   not null,
    rotated_at         timestamp with time zone not null
);

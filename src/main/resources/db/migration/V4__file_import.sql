-- Runs on PostgreSQL and on H2 (MODE=PostgreSQL): keep to the SQL both understand.

-- Files taken from a connector's drop directory, by content: a file whose checksum was imported is
-- never applied again, whatever its name. A file the truncation guardrail refused is kept too, with its
-- reason, but does not block a later import of the same content once ops have looked at it (a file
-- refused for its header was never read to the end and has no checksum here). data_rows of the last
-- imported file is what the next file is compared with (a far shorter file looks truncated).
create table file_import (
    connector_id  varchar(64)   not null,
    checksum      varchar(64)   not null,
    file_name     varchar(255)  not null,
    outcome       varchar(16)   not null,
    data_rows     bigint        not null,
    open_lines    bigint        not null,
    vanished      bigint        not null,
    reason        varchar(2000),
    recorded_at   timestamp with time zone not null,
    primary key (connector_id, checksum)
);
create index file_import_by_outcome on file_import (connector_id, outcome, recorded_at);

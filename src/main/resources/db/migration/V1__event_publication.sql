-- Spring Modulith's JPA event publication registry (1.4.x column set). Each after-commit listener's
-- publication is written here inside the business transaction and completed once the listener succeeds.
CREATE TABLE event_publication (
    id               UUID                     NOT NULL PRIMARY KEY,
    listener_id      TEXT                     NOT NULL,
    event_type       TEXT                     NOT NULL,
    serialized_event TEXT                     NOT NULL,
    publication_date TIMESTAMP WITH TIME ZONE NOT NULL,
    completion_date  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX event_publication_by_completion_date_idx ON event_publication (completion_date);

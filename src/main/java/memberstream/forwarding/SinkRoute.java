package memberstream.forwarding;

/** Where the next event goes: which sink and which stream or delivery stream. */
record SinkRoute(SinkKind sink, String destination) {
}

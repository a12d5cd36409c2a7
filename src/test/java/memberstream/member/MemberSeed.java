package memberstream.member;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fills the members table straight in SQL, for the index test and the search benchmark: one
 * {@code INSERT ... SELECT FROM generate_series} a batch, computed inside PostgreSQL (faster still than
 * COPY, which would ship the same rows over the socket). It bypasses {@link MemberService}: no
 * validation, no MemberChanged events, nothing forwarded; fine for measuring reads.
 *
 * <p>Member {@code i} is named from 32 first names and 64 surnames with accents among them ("Chloé
 * Müller 1234", the number {@code i % 10000}), has the email {@code first.surname.i@domain} (one of
 * 16 domains), and spreads over every role, status, join date and creation minute, with many ties.
 * How first name, surname and domain are chosen is the {@link Layout}.
 */
public final class MemberSeed {

    public static final String[] FIRST = {
            "Ada", "Bram", "Chloé", "Dmitri", "Eve", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kofi", "Lena",
            "Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Sami", "Tove", "Ugo", "Vera", "Wim", "Xenia",
            "Yusuf", "Zoë", "Amara", "Björn", "Celia", "Dara", "Emil", "Fatima"};
    public static final String[] SURNAME = {
            "Okafor", "Smith", "Müller", "Nguyen", "García", "Kowalski", "Tanaka", "Haddad", "Jensen", "Rossi",
            "Dubois", "Novak", "Silva", "Kim", "Ivanova", "Mensah", "O'Brien", "Larsen", "Petrov", "Cohen",
            "Fischer", "Moreau", "Lindqvist", "Popescu", "Yilmaz", "Santos", "Brennan", "Horvat", "Kaur", "Sato",
            "Achebe", "Bergström", "Costa", "Dvořák", "Eriksen", "Ferreira", "Gallagher", "Hoffmann", "Iqbal",
            "Jovanović", "Keller", "Lopez", "Mwangi", "Nakamura", "Olsen", "Park", "Quispe", "Richter", "Schmidt",
            "Takahashi", "Urquhart", "Varga", "Weber", "Xu", "Yamamoto", "Zimmermann", "Abara", "Boateng",
            "Chen", "Diallo", "Esposito", "Flores", "Gupta", "Hansen"};

    private MemberSeed() {
    }

    /** How a member's first name, surname and email domain follow from its number {@code i}. */
    public enum Layout {
        /**
         * By index arithmetic: first name {@code i % 32}, surname {@code (i / 32) % 64}, domain {@code i % 16}.
         * Each choice correlates with the id and with the others (every "@lab.test" member is a Priya or a
         * Fatima), so a fragment's matches line up with some sort orders: a worst case, kept for it and for
         * the tests, whose expectations rely on its exact counts.
         */
        CLUSTERED("1 + (i % 32)::int", "1 + ((i / 32) % 64)::int", "1 + (i % 16)::int"),
        /**
         * Each choice drawn independently from bits of {@code md5(i)}: deterministic, like people's names,
         * uncorrelated with the id, the dates or each other.
         */
        INDEPENDENT("1 + (('x' || md5('member' || i))::bit(64)::bigint & 31)::int",
                "1 + ((('x' || md5('member' || i))::bit(64)::bigint >> 5) & 63)::int",
                "1 + ((('x' || md5('member' || i))::bit(64)::bigint >> 11) & 15)::int");

        private final String first;
        private final String surname;
        private final String domain;

        Layout(String first, String surname, String domain) {
            this.first = first;
            this.surname = surname;
            this.domain = domain;
        }
    }

    /** Adds members {@code from} to {@code to} (inclusive) in the clustered layout, then ANALYZE. */
    public static void insert(JdbcTemplate jdbc, long from, long to) {
        insert(jdbc, from, to, Layout.CLUSTERED);
    }

    /** Adds members {@code from} to {@code to} (inclusive), then ANALYZE so the planner knows them. */
    public static void insert(JdbcTemplate jdbc, long from, long to, Layout layout) {
        String first = array(FIRST);
        String surname = array(SURNAME);
        for (long start = from; start <= to; start += 100_000) {
            long end = Math.min(to, start + 99_999);
            jdbc.update("""
                    insert into members (full_name, email, phone, role, status, joined_on, notes,
                                         created_at, updated_at, version)
                    select f.name || ' ' || s.name || ' ' || (i % 10000),
                           lower(translate(f.name || '.' || s.name, 'éüřćöäëíá''', 'eurcoaeia')) || '.' || i
                               || '@' || (array['example.org','mail.test','post.example','club.test','uni.example',
                                   'work.test','home.example','org.test','net.example','co.test','team.example',
                                   'box.test','inbox.example','site.test','web.example','lab.test'])[DOMAIN],
                           null,
                           (array['MEMBER','VOLUNTEER','STAFF','BOARD'])[1 + (i % 4)],
                           (array['PENDING','ACTIVE','SUSPENDED','LEFT'])[1 + ((i / 3) % 4)],
                           date '2000-01-01' + (i % 9000)::int,
                           null,
                           timestamptz '2020-01-01 00:00:00+00' + (i % 200000) * interval '1 minute',
                           timestamptz '2024-01-01 00:00:00+00' + ((i * 7919) % 300000) * interval '1 minute',
                           0
                    from generate_series(?::bigint, ?::bigint) as i
                    cross join lateral (select (FIRST_NAMES)[FIRST] as name) f
                    cross join lateral (select (SURNAMES)[SURNAME] as name) s
                    """.replace("FIRST_NAMES", first).replace("SURNAMES", surname).replace("[FIRST]", "[" + layout.first + "]")
                    .replace("[SURNAME]", "[" + layout.surname + "]").replace("[DOMAIN]", "[" + layout.domain + "]"),
                    start, end);
        }
        jdbc.execute("analyze members");
    }

    /**
     * Adds members whose names and emails test the search's edges: LIKE's wildcards, separators of every
     * kind, upper-case accents, a non-ASCII space, a name equal to its email but for case.
     */
    public static void insertOddNames(JdbcTemplate jdbc) {
        String[][] odd = {
                {"Per%cent Ünal", "per.cent%unal@x.test"}, {"A_B Okafor-Smith", "a_b.okafor@x.test"},
                {"1_2 ÉMILE PÉRIGORD", "emile+1_2@x.test"}, {"50% Zoë", "fifty@x.test"},
                {"Back\\slash Okafor", "back\\slash@x.test"}, {"Ijk\u00a0Nbsp", "ijk@x.test"},
                {"O'Brien O'Okafor", "obrien.okafor@okafor.test"}, {"Same.Text@X.Test", "same.text@x.test"}};
        for (String[] member : odd) {
            jdbc.update("""
                    insert into members (full_name, email, role, status, joined_on, created_at, updated_at)
                    values (?, ?, 'MEMBER', 'ACTIVE', date '2020-01-01', now(), now())""", member[0], member[1]);
        }
    }

    private static String array(String[] names) {
        StringBuilder sql = new StringBuilder("array[");
        for (int i = 0; i < names.length; i++) {
            sql.append(i == 0 ? "" : ",").append("'").append(names[i].replace("'", "''")).append("'");
        }
        return sql.append("]").toString();
    }
}

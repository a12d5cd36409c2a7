package memberstream.member.importing;

import memberstream.member.Member;

/** One valid row of an import file, ready to save: its line in the file and the new member it holds. */
record ImportRow(long line, Member member) {
}

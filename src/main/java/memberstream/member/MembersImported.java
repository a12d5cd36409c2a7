package memberstream.member;

import java.util.List;

/**
 * The created events of one import batch, published once for the whole batch inside the transaction
 * that inserted its members ({@link MemberBatchWriter}). Listeners treat it as the list of
 * {@link MemberChanged} it holds, each a CREATED event of a new member with no earlier event; it
 * exists so that a batch of a thousand members costs one event and bulk statements (forwarding writes
 * the batch's outbox rows in one statement) instead of a thousand of each. Jackson-serialisable.
 *
 * @param changes one created event a member, in the batch's order
 */
public record MembersImported(List<MemberChanged> changes) {

    public MembersImported {
        changes = List.copyOf(changes);
    }
}

package org.tubemail.internal.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.handler.SmtpReject;
import org.tubemail.handler.StateChanges;
import org.tubemail.handler.TryLaterException;
import org.tubemail.internal.io.DiskFull;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.monitor.Monitor;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.queue.MessageQueue;
import org.tubemail.internal.state.MemoryStorage;
import org.tubemail.internal.state.StateKey;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.internal.state.StateStorageException;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Routes each recipient of a message to the state methods of the handler modules whose routes
 * match it, runs the method for each module's current state, and stores the state it returns.
 *
 * <p>Rules, in short (the README has the full contract):
 * <ul>
 *   <li>Every envelope recipient is routed on its own, in envelope order.</li>
 *   <li>Stateless methods always run; of a module's stateful methods, the one for its current state
 *       for the message's state key runs (at most one per module and recipient), after the
 *       module's stateless methods. Modules run in registration order.</li>
 *   <li>Messages for one state key run one at a time, in arrival order; different keys in
 *       parallel. {@link NoLocking} methods skip the lock.</li>
 *   <li>A method that throws puts its key in the error state; the message goes to the undeliverable
 *       queue, and so does a message that no route matches or that no module has a method for.</li>
 * </ul>
 * A router is immutable once built and safe for any number of threads.
 */
public final class Router {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /** The state name a stateless method's runs are reported under. */
    private static final String STATELESS = "stateless";

    private final List<HandlerModule> modules;
    private final RouteIndex<StateMethod> index;
    private final StateStorage storage;
    /** Full-disk episodes of the files handlers write themselves (their data folder). */
    private static final DiskFull HANDLERS_DISK = DiskFull.of("a file system handlers write to");
    private final MessageQueue undeliverable;
    private final String errorState;
    /** The per-key locks, shared with changes made outside routing. */
    private final LockedStateChanges changes;
    private final TimeLimit timeLimit;
    private final Monitor monitor;

    private Router(Builder b) {
        this.monitor = b.monitor;
        this.storage = b.storage;
        this.changes = b.changes;
        this.timeLimit = TimeLimit.of(b.handlerTimeout);
        this.undeliverable = b.undeliverable;
        this.errorState = b.errorState;
        List<HandlerModule> loaded = new ArrayList<>();
        List<StateMethod> methods = new ArrayList<>();
        List<List<String>> literals = new ArrayList<>();
        for (Object h : b.handlers) {
            HandlerModule m = HandlerModule.load(h, b.defaults, b.exactCase, b.errorState);
            for (HandlerModule other : loaded) {
                if (other.name().equals(m.name())) {
                    throw new HandlerDefinitionException(h.getClass().getName() + ": module name '" + m.name()
                            + "' is already used by " + other.instance().getClass().getName());
                }
            }
            loaded.add(m);
            for (StateMethod sm : m.methods()) {
                methods.add(sm);
                literals.add(sm.route().literals());
            }
        }
        this.modules = List.copyOf(loaded);
        this.index = new RouteIndex<>(methods, literals);
    }

    /** Starts building a router. */
    public static Builder builder() {
        return new Builder();
    }

    /** A state method whose route matched one address, with the captures it gave. */
    private record Match(StateMethod method, Map<String, String> captures) {
    }

    /** The state methods whose routes match {@code address} (as written), with their captures. */
    private List<Match> match(String address) {
        String routed = Addresses.forRouting(address);
        String folded = Addresses.folded(address);
        List<Match> out = new ArrayList<>();
        for (StateMethod m : index.candidates(folded)) {
            Map<String, String> caps = m.route().match(routed, folded);
            if (caps != null) {
                out.add(new Match(m, caps));
            }
        }
        return out;
    }

    /** Whether any route matches {@code address}: receivers refuse other recipients at {@code RCPT}. */
    public boolean accepts(String address) {
        return !match(address).isEmpty();
    }

    /**
     * What the caller does with a handler's {@link SmtpReject}: which rejected copies the router
     * keeps in the undeliverable queue, and which rejections the caller passes on as replies.
     */
    public enum Rejects {
        /** Keep every rejected recipient's copy, with the code and text as the reason (nobody tells the sender). */
        KEEP,
        /** Keep none: the caller replies to each recipient with its rejection (LMTP). */
        REPLY_EACH,
        /**
         * Keep none when every recipient was rejected (the caller refuses the whole message with
         * the first rejection); otherwise keep each rejected copy, as {@link #KEEP} (SMTP, routing
         * before the {@code DATA} reply).
         */
        REPLY_IF_ALL
    }

    /**
     * Routes {@code request} for each of its envelope recipients and returns what happened;
     * rejected copies are kept in the undeliverable queue ({@link Rejects#KEEP}).
     *
     * @throws org.tubemail.internal.queue.QueueException when a message must go to the undeliverable queue and
     *                                           cannot be stored there; callers must then not accept it
     * @throws StateStorageException when the state storage cannot be read or written; the message
     *                               must be kept and delivered again later (handlers may have run)
     * @throws RoutingDeferredException when a method failed because a disk is full; as above, the
     *                               message must be kept and delivered again later
     * @throws TryLaterException     when a handler asks for the message to be offered again later
     */
    public DeliveryReport deliver(MailRequest request) {
        return deliver(request, Rejects.KEEP);
    }

    /**
     * Routes {@code request} as {@link #deliver(MailRequest)} does, keeping rejected copies as
     * {@code rejects} says.
     */
    public DeliveryReport deliver(MailRequest request, Rejects rejects) {
        List<RecipientResult> results = new ArrayList<>(request.recipients().size());
        for (String rcpt : request.recipients()) {
            if (request.isBounce()) {
                monitor.bounceReceived(rcpt);
            }
            results.add(deliverTo(request.forRecipient(rcpt)));
        }
        boolean allRejected = results.stream().allMatch(r -> r.status() == RecipientResult.Status.REJECTED);
        if (rejects == Rejects.KEEP || rejects == Rejects.REPLY_IF_ALL && !allRejected) {
            for (RecipientResult r : results) {
                if (r.status() == RecipientResult.Status.REJECTED) {
                    keep(request.forRecipient(r.recipient()), r.reason(), "rejected");
                }
            }
        }
        return new DeliveryReport(request.messageId(), results);
    }

    private RecipientResult deliverTo(MailRequest request) {
        List<Match> matches = match(request.to());
        if (matches.isEmpty()) {
            return undeliverable(request, RecipientResult.Status.UNDELIVERABLE, List.of(), "no route matches <" + request.to() + ">");
        }
        Map<HandlerModule, List<Match>> byModule = new LinkedHashMap<>();
        for (Match m : matches) {
            byModule.computeIfAbsent(m.method().module(), k -> new ArrayList<>()).add(m);
        }
        Outcome outcome = new Outcome();
        for (Map.Entry<HandlerModule, List<Match>> e : byModule.entrySet()) {
            runModule(e.getKey(), e.getValue(), request, outcome);
        }
        if (!outcome.failures.isEmpty()) {
            return undeliverable(request, RecipientResult.Status.FAILED, outcome.ran, String.join("; ", outcome.failures));
        }
        if (outcome.rejection != null) {
            return new RecipientResult(request.to(), RecipientResult.Status.REJECTED, outcome.ran,
                    outcome.rejectedBy + " rejected it: " + outcome.rejection.reply(), outcome.rejection);
        }
        if (!outcome.refused.isEmpty()) {
            return undeliverable(request, RecipientResult.Status.UNAUTHENTICATED, outcome.ran, String.join("; ", outcome.refused));
        }
        if (outcome.ran.isEmpty()) {
            return undeliverable(request, RecipientResult.Status.UNDELIVERABLE, List.of(),
                    "no method for the current state: " + String.join("; ", outcome.idle));
        }
        return new RecipientResult(request.to(), RecipientResult.Status.HANDLED, outcome.ran, "");
    }

    /** What the modules did for one recipient. */
    private static final class Outcome {
        final List<String> ran = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<String> idle = new ArrayList<>();
        final List<String> refused = new ArrayList<>();
        /** The first {@link SmtpReject} a method threw, and the method. */
        SmtpReject rejection;
        String rejectedBy;

        void reject(String where, SmtpReject r) {
            if (rejection == null) {
                rejection = r;
                rejectedBy = where;
            }
        }
    }

    private void runModule(HandlerModule module, List<Match> matches, MailRequest request, Outcome outcome) {
        List<Match> stateful = new ArrayList<>(matches.size());
        for (Match m : matches) {
            if (m.method().isStateless()) {
                runStateless(m, request, outcome);
            } else {
                stateful.add(m);
            }
        }
        if (stateful.isEmpty()) {
            return;
        }
        if (request.isNullSender() && module.keysBySender()) {
            outcome.idle.add(module.name() + " keys its state by sender, and null-sender (bounce) mail reaches only its @Stateless "
                    + "methods (a module that implements StateKeyed, e.g. keyed by a VERP capture, gets it)");
            return;
        }
        StateKey key;
        try {
            key = new StateKey(module.name(), module.stateKey(request, stateful.get(0).captures()));
        } catch (RuntimeException ex) {
            fail(outcome, module.name() + ".stateKey", request, ex);
            return;
        }
        Match unlocked = module.hasNoLockingMethods() ? find(stateful, storage.get(key.module(), key.key())) : null;
        if (unlocked != null && unlocked.method().isNoLocking()) {
            runStateful(unlocked, key, storage.get(key.module(), key.key()), request, outcome);
            return;
        }
        changes.locked(key.module(), key.key(), () -> {
            String state = storage.get(key.module(), key.key());
            Match m = find(stateful, state);
            if (m == null) {
                outcome.idle.add(module.name() + " is in state " + state + " for " + key.key());
            } else {
                runStateful(m, key, state, request, outcome);
            }
            return null;
        });
    }

    private static Match find(List<Match> stateful, String state) {
        for (Match m : stateful) {
            if (m.method().state().equals(state)) {
                return m;
            }
        }
        return null;
    }

    private void runStateless(Match m, MailRequest request, Outcome outcome) {
        String refusal = m.method().refusal(request);
        if (refusal != null) {
            outcome.refused.add(refusal);
            return;
        }
        long start = System.nanoTime();
        String module = m.method().module().name();
        try {
            invoke(m, request);
            outcome.ran.add(m.method().qualifiedName());
            monitor.routed(module, STATELESS, STATELESS, System.nanoTime() - start);
        } catch (TryLaterException ex) {
            throw ex;
        } catch (SmtpReject r) {
            monitor.routed(module, STATELESS, STATELESS, System.nanoTime() - start);
            rejected(outcome, m.method().qualifiedName(), request, r);
        } catch (Exception | LinkageError ex) {
            deferIfDiskFull(m.method(), ex);
            monitor.routed(module, STATELESS, errorState, System.nanoTime() - start);
            fail(outcome, m.method().qualifiedName(), request, ex);
        }
    }

    private void runStateful(Match m, StateKey key, String state, MailRequest request, Outcome outcome) {
        StateMethod method = m.method();
        String refusal = method.refusal(request);
        if (refusal != null) {
            outcome.refused.add(refusal);
            return;
        }
        long start = System.nanoTime();
        try {
            String next = invoke(m, request);
            long ran = System.nanoTime() - start;
            if (next != null && !next.equals(state)) {
                checkKnown(method, next);
                store(key, next);
            }
            outcome.ran.add(method.qualifiedName());
            HANDLERS_DISK.wrote();
            monitor.routed(key.module(), state, next == null ? state : next, ran);
        } catch (StateStorageException | TryLaterException ex) {
            throw ex; // the storage failed, or the handler asks for later: the caller keeps the message and tries again
        } catch (SmtpReject r) {
            rejected(outcome, method.qualifiedName(), request, r); // a decision, not a failure: the state stays
        } catch (Exception | LinkageError ex) {
            deferIfDiskFull(method, ex);
            monitor.routed(key.module(), state, errorState, System.nanoTime() - start);
            fail(outcome, method.qualifiedName(), request, ex);
            store(key, errorState);
        }
    }

    private void store(StateKey key, String state) {
        long start = System.nanoTime();
        storage.set(key.module(), key.key(), state);
        monitor.stateStored(System.nanoTime() - start);
    }

    /**
     * A method that failed because a disk is full (its own data, the relay's outbox or retry queue)
     * did nothing wrong: its state is left alone and the message is kept to be routed again once
     * there is space.
     */
    private static void deferIfDiskFull(StateMethod method, Throwable ex) {
        if (DiskFull.causes(ex)) {
            if (!DiskFull.recorded(ex)) { // not a store of Tubemail's, which logged it: a file of the handler's own
                HANDLERS_DISK.failed(ex);
            }
            throw new RoutingDeferredException(method.qualifiedName() + " could not write: " + ex.getMessage(), ex);
        }
    }

    private String invoke(Match m, MailRequest routed) throws Exception {
        MailRequest request = routed.forModule(m.method().module().name());
        if (timeLimit == null) {
            return m.method().invoke(request, m.captures());
        }
        return timeLimit.call(m.method().qualifiedName(), () -> m.method().invoke(request, m.captures()));
    }

    private void checkKnown(StateMethod method, String next) {
        HandlerModule module = method.module();
        if (!module.hasState(next) && !next.equals(errorState)) {
            throw new IllegalStateException(method.qualifiedName() + " returned state '" + next
                    + "', which module " + module.name() + " has no method for");
        }
    }

    private void fail(Outcome outcome, String where, MailRequest request, Throwable ex) {
        LOG.error("handler {} failed on message {} from <{}> to <{}>: {}", where, request.messageId(), request.from(),
                request.to(), ex.toString(), ex);
        outcome.failures.add(where + " threw " + ex);
    }

    private static void rejected(Outcome outcome, String where, MailRequest request, SmtpReject r) {
        LOG.info("{} rejected message {} from <{}> to <{}>: {}", where, request.messageId(), request.from(), request.to(), r.reply());
        outcome.reject(where, r);
    }

    private RecipientResult undeliverable(MailRequest request, RecipientResult.Status status, List<String> ran, String reason) {
        keep(request, reason, switch (status) {
            case FAILED -> "handler_failed";
            case UNAUTHENTICATED -> "unauthenticated";
            default -> reason.startsWith("no route") ? "no_route" : "no_state_method";
        });
        return new RecipientResult(request.to(), status, List.copyOf(ran), reason);
    }

    /** Puts the recipient's copy in the undeliverable queue with its envelope and {@code reason}. */
    private void keep(MailRequest request, String reason, String kind) {
        Envelope env = new Envelope(request.peer(), request.from(), List.of(request.to()), request.authentication());
        String key = undeliverable.push(EnvelopeHeaders.wrap(env, reason, request.raw()));
        LOG.warn("message {} from <{}> to <{}> queued as undeliverable ({}): {}", request.messageId(), request.from(),
                request.to(), key, reason);
        monitor.undeliverable(kind, request.from(), request.to(), reason);
    }

    /**
     * Why routing {@code request} now would refuse it because its sender is not authenticated
     * ({@link Authenticated}), or empty: the receiver's {@code receiver.auth.reject} answers
     * {@code 550 5.7.26} with it. Reads the current states; runs and changes nothing.
     */
    public Optional<String> authenticationRefusal(MailRequest request) {
        for (String rcpt : request.recipients()) {
            MailRequest one = request.forRecipient(rcpt);
            Map<HandlerModule, List<Match>> byModule = new LinkedHashMap<>();
            for (Match m : match(Addresses.forRouting(one.to()))) {
                if (m.method().requiresAuthentication()) byModule.computeIfAbsent(m.method().module(), k -> new ArrayList<>()).add(m);
            }
            for (Map.Entry<HandlerModule, List<Match>> e : byModule.entrySet()) {
                String refusal = refusalIn(e.getKey(), e.getValue(), one);
                if (refusal != null) return Optional.of(refusal);
            }
        }
        return Optional.empty();
    }

    private String refusalIn(HandlerModule module, List<Match> matches, MailRequest request) {
        String state = null;
        for (Match m : matches) {
            if (!m.method().isStateless()) {
                if (state == null) {
                    try {
                        state = storage.get(module.name(), module.stateKey(request, m.captures()));
                    } catch (RuntimeException e) {
                        return null; // routing will report it
                    }
                }
                if (!m.method().state().equals(state)) continue;
            }
            String refusal = m.method().refusal(request);
            if (refusal != null) return refusal;
        }
        return null;
    }

    /** Every state method, in the order the router tries them. */
    public List<StateMethod> routes() {
        return index.all();
    }

    /** The loaded handler modules, in registration order. */
    public List<HandlerModule> modules() {
        return modules;
    }

    /**
     * Tells which state methods a message from {@code sender} to {@code address} reaches, and which
     * of them would run in the current states. Nothing is run or changed.
     */
    public List<RouteCheck> explain(String address, String sender) {
        String routed = Addresses.strip(address);
        MailRequest probe = MailRequest.parse(Envelope.of(sender, routed),
                ("From: <" + sender + ">\r\nTo: <" + routed + ">\r\nSubject: probe\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        List<RouteCheck> out = new ArrayList<>();
        for (Match m : match(routed)) {
            HandlerModule module = m.method().module();
            String key = module.stateKey(probe, m.captures());
            String state = storage.get(module.name(), key);
            boolean runs = m.method().isStateless()
                    || m.method().state().equals(state) && !(probe.isNullSender() && module.keysBySender());
            out.add(new RouteCheck(m.method(), m.captures(), key, state, runs));
        }
        return out;
    }

    /** The state storage. */
    public StateStorage storage() {
        return storage;
    }

    /** The undeliverable queue. */
    public MessageQueue undeliverableQueue() {
        return undeliverable;
    }

    /** What the router reports to. */
    public Monitor monitor() {
        return monitor;
    }

    /** The state a failing method's key is put in. */
    public String errorState() {
        return errorState;
    }

    /** Changes state outside routing, under the locks routing holds (see {@link StateChanges}). */
    public StateChanges stateChanges() {
        return changes;
    }

    /** How many state keys hold or wait for a lock now (for monitoring and tests). */
    public int lockedKeys() {
        return changes.lockedKeys();
    }

    /** Collects a router's parts; {@link #build()} loads and checks every handler. */
    public static final class Builder {
        private StateStorage storage = new MemoryStorage();
        private MessageQueue undeliverable = new MemoryQueue();
        private String errorState = StateStorage.ERROR;
        private java.time.Duration handlerTimeout;
        private boolean exactCase;
        private Monitor monitor = Monitor.NONE;
        private final Map<String, String> defaults = new LinkedHashMap<>();
        private final List<Object> handlers = new ArrayList<>();
        private final LockedStateChanges changes = new LockedStateChanges();

        private Builder() {
        }

        /**
         * Changes state outside routing under routing's own per-key locks; usable once the router
         * is built (for example from a web page a handler registers while it is constructed).
         */
        public StateChanges stateChanges() {
            return changes;
        }

        /** The state storage; {@link MemoryStorage} by default. */
        public Builder storage(StateStorage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /** The undeliverable queue; a {@link MemoryQueue} by default. */
        public Builder undeliverable(MessageQueue queue) {
            this.undeliverable = Objects.requireNonNull(queue, "queue");
            return this;
        }

        /** The state a failing method's key is put in; {@code ERROR} by default. */
        public Builder errorState(String state) {
            this.errorState = Objects.requireNonNull(state, "state");
            return this;
        }

        /**
         * The longest a state method may run on one message; past it the method's thread is
         * interrupted and the message is treated as a failure (error state, undeliverable queue).
         * None by default: methods then run on the delivering thread, which is fastest.
         */
        public Builder handlerTimeout(java.time.Duration limit) {
            this.handlerTimeout = limit;
            return this;
        }

        /** Where the router reports each method run, state change and undeliverable message; none by default. */
        public Builder monitor(Monitor monitor) {
            this.monitor = Objects.requireNonNull(monitor, "monitor");
            return this;
        }

        /**
         * Whether every route matches its local part exactly (RFC 5321 lets the local part be
         * case-sensitive). Off by default: addresses match in any case and captures arrive in
         * lower case; {@link Route#exactCase()} opts in one route.
         */
        public Builder exactCase(boolean exact) {
            this.exactCase = exact;
            return this;
        }

        /** A router-wide regex for capture {@code name}, used by routes that do not set their own. */
        public Builder defaultCapture(String name, String regex) {
            defaults.put(name, regex);
            return this;
        }

        /** Adds handler modules, in priority order. */
        public Builder handlers(Object... handlerObjects) {
            for (Object h : handlerObjects) {
                handlers.add(Objects.requireNonNull(h, "handler"));
            }
            return this;
        }

        /**
         * Loads every handler and builds the route index.
         *
         * @throws HandlerDefinitionException when a handler class is invalid
         */
        public Router build() {
            Router router = new Router(this);
            changes.bind(storage);
            return router;
        }
    }
}

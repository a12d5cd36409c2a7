package memberstream.engine.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import memberstream.engine.dynamodb.Expression.Action;
import memberstream.engine.dynamodb.Expression.Condition;
import memberstream.engine.dynamodb.Expression.Operand;
import memberstream.engine.dynamodb.Expression.Path;

/**
 * Parses DynamoDB's expression language by recursive descent over a token list (no regular expressions,
 * no backtracking: cost linear in the expression, which is at most 4 KB). One instance per request: it
 * resolves {@code #name} and {@code :value} placeholders from the request's ExpressionAttributeNames and
 * ExpressionAttributeValues and remembers which were used, so that {@link #checkAllUsed} can refuse
 * unused ones as DynamoDB does. Not thread-safe.
 */
final class ExpressionParser {

    static final int MAX_EXPRESSION_CHARS = 4096;
    private static final int MAX_NESTING = 64;
    private static final int MAX_PATH_DEPTH = 32;
    private static final Set<String> FUNCTIONS = Set.of("attribute_exists", "attribute_not_exists", "attribute_type",
            "begins_with", "contains", "size");

    private final Map<String, String> names = new HashMap<>();
    private final Map<String, JsonNode> values = new HashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Set<String> usedValues = new HashSet<>();

    private String kind;
    private List<String> tokens;
    private int at;
    private int depth;

    ExpressionParser(JsonNode attributeNames, JsonNode attributeValues) {
        if (attributeNames != null) {
            attributeNames.fields().forEachRemaining(e -> names.put(e.getKey(), e.getValue().asText()));
        }
        if (attributeValues != null) {
            attributeValues.fields().forEachRemaining(e -> values.put(e.getKey(), AttributeValues.validated(e.getValue())));
        }
    }

    Condition condition(String expressionKind, String expression) {
        start(expressionKind, expression);
        Condition condition = or();
        end();
        return condition;
    }

    List<Path> projection(String expression) {
        start("ProjectionExpression", expression);
        List<Path> paths = new ArrayList<>();
        paths.add(path());
        while (accept(",")) {
            paths.add(path());
        }
        end();
        return paths;
    }

    List<Action> update(String expression) {
        start("UpdateExpression", expression);
        List<Action> actions = new ArrayList<>();
        Set<String> clauses = new HashSet<>();
        while (at < tokens.size()) {
            String clause = tokens.get(at).toUpperCase(Locale.ROOT);
            if (!Set.of("SET", "REMOVE", "ADD", "DELETE").contains(clause)) {
                throw syntax();
            }
            if (!clauses.add(clause)) {
                throw DynamoDbError.invalid("Invalid UpdateExpression: The \"" + clause + "\" section can only be used once in an update expression;");
            }
            at++;
            do {
                Path path = path();
                switch (clause) {
                    case "SET" -> {
                        expect("=");
                        actions.add(new Expression.SetAction(path, setValue()));
                    }
                    case "REMOVE" -> actions.add(new Expression.RemoveAction(path));
                    case "ADD" -> actions.add(new Expression.AddAction(path, valueToken()));
                    default -> actions.add(new Expression.DeleteAction(path, valueToken()));
                }
            } while (accept(","));
        }
        if (actions.isEmpty()) {
            throw DynamoDbError.invalid("Invalid UpdateExpression: The expression can not be empty;");
        }
        checkOverlaps(actions);
        return actions;
    }

    private static void checkOverlaps(List<Action> actions) {
        for (int i = 0; i < actions.size(); i++) {
            for (int j = i + 1; j < actions.size(); j++) {
                List<Object> a = actions.get(i).path().elements();
                List<Object> b = actions.get(j).path().elements();
                int common = Math.min(a.size(), b.size());
                if (a.subList(0, common).equals(b.subList(0, common))) {
                    throw DynamoDbError.invalid("Invalid UpdateExpression: Two document paths overlap with each other; must remove "
                            + "or rewrite one of these paths; path one: [" + actions.get(i).path() + "], path two: ["
                            + actions.get(j).path() + "]");
                }
            }
        }
    }

    /** Refuses placeholders the request defined but none of its expressions used. */
    void checkAllUsed() {
        Set<String> unusedValues = new HashSet<>(values.keySet());
        unusedValues.removeAll(usedValues);
        if (!unusedValues.isEmpty()) {
            throw DynamoDbError.invalid("Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                    + String.join(", ", unusedValues) + "}");
        }
        Set<String> unusedNames = new HashSet<>(names.keySet());
        unusedNames.removeAll(usedNames);
        if (!unusedNames.isEmpty()) {
            throw DynamoDbError.invalid("Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                    + String.join(", ", unusedNames) + "}");
        }
    }

    private void start(String expressionKind, String expression) {
        this.kind = expressionKind;
        if (expression.length() > MAX_EXPRESSION_CHARS) {
            throw DynamoDbError.invalid("Invalid " + kind + ": Expression size has exceeded the maximum allowed size; expression size: "
                    + expression.length());
        }
        tokens = tokenize(expression);
        at = 0;
        depth = 0;
        if (tokens.isEmpty()) {
            throw DynamoDbError.invalid("Invalid " + kind + ": The expression can not be empty;");
        }
    }

    private void end() {
        if (at < tokens.size()) {
            throw syntax();
        }
    }

    private List<String> tokenize(String text) {
        List<String> list = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || c == ':' || Character.isLetterOrDigit(c) || c == '_') {
                int start = i++;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                list.add(text.substring(start, i));
            } else if ((c == '<' || c == '>') && i + 1 < text.length() && (text.charAt(i + 1) == '=' || (c == '<' && text.charAt(i + 1) == '>'))) {
                list.add(text.substring(i, i + 2));
                i += 2;
            } else if ("()[],.=<>+-".indexOf(c) >= 0) {
                list.add(String.valueOf(c));
                i++;
            } else {
                throw DynamoDbError.invalid("Invalid " + kind + ": Syntax error; token: \"" + c + "\", near: \""
                        + AttributeValues.clip(text.substring(Math.max(0, i - 10), Math.min(text.length(), i + 10))) + "\"");
            }
        }
        return list;
    }

    private RuntimeException syntax() {
        String token = at < tokens.size() ? tokens.get(at) : "<EOF>";
        String near = String.join(" ", tokens.subList(Math.max(0, at - 1), Math.min(tokens.size(), at + 2)));
        return DynamoDbError.invalid("Invalid " + kind + ": Syntax error; token: \"" + AttributeValues.clip(token) + "\", near: \""
                + AttributeValues.clip(near) + "\"");
    }

    private boolean accept(String token) {
        if (at < tokens.size() && tokens.get(at).equalsIgnoreCase(token)) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw syntax();
        }
    }

    private String peek() {
        return at < tokens.size() ? tokens.get(at) : "";
    }

    private Condition or() {
        Condition left = and();
        while (accept("OR")) {
            left = new Expression.Or(left, and());
        }
        return left;
    }

    private Condition and() {
        Condition left = not();
        while (accept("AND")) {
            left = new Expression.And(left, not());
        }
        return left;
    }

    private Condition not() {
        if (++depth > MAX_NESTING) {
            throw DynamoDbError.invalid("Invalid " + kind + ": The expression has too many nested parentheses or operators");
        }
        try {
            if (accept("NOT")) {
                return new Expression.Not(not());
            }
            return primary();
        } finally {
            depth--;
        }
    }

    private Condition primary() {
        if (accept("(")) {
            Condition inner = or();
            expect(")");
            return inner;
        }
        String word = peek().toLowerCase(Locale.ROOT);
        if (FUNCTIONS.contains(word) && !"size".equals(word) && at + 1 < tokens.size() && "(".equals(tokens.get(at + 1))) {
            at += 2;
            Path path = path();
            Operand argument = null;
            if (!word.startsWith("attribute_") || "attribute_type".equals(word)) {
                expect(",");
                argument = operand();
            }
            expect(")");
            return new Expression.Function(word, path, argument);
        }
        Operand left = operand();
        String operator = peek();
        if (Set.of("=", "<>", "<", "<=", ">", ">=").contains(operator)) {
            at++;
            return new Expression.Compare(left, operator, operand());
        }
        if (accept("BETWEEN")) {
            Operand low = operand();
            expect("AND");
            return new Expression.Between(left, low, operand());
        }
        if (accept("IN")) {
            expect("(");
            List<Operand> options = new ArrayList<>();
            do {
                options.add(operand());
            } while (accept(","));
            expect(")");
            if (options.size() > 100) {
                throw DynamoDbError.invalid("Invalid " + kind + ": The IN operator is provided with too many operands; number of operands: "
                        + options.size());
            }
            return new Expression.In(left, options);
        }
        throw syntax();
    }

    private Operand operand() {
        String token = peek();
        if (token.startsWith(":")) {
            return new Expression.Literal(valueToken());
        }
        if ("size".equalsIgnoreCase(token) && at + 1 < tokens.size() && "(".equals(tokens.get(at + 1))) {
            at += 2;
            Path path = path();
            expect(")");
            return new Expression.Size(path);
        }
        return new Expression.PathOperand(path());
    }

    private Operand setValue() {
        Operand left = setOperand();
        if (accept("+")) {
            return new Expression.Arithmetic(left, '+', setOperand());
        }
        if (accept("-")) {
            return new Expression.Arithmetic(left, '-', setOperand());
        }
        return left;
    }

    private Operand setOperand() {
        String word = peek().toLowerCase(Locale.ROOT);
        if (("if_not_exists".equals(word) || "list_append".equals(word)) && at + 1 < tokens.size() && "(".equals(tokens.get(at + 1))) {
            at += 2;
            Operand result;
            if ("if_not_exists".equals(word)) {
                Path path = path();
                expect(",");
                result = new Expression.IfNotExists(path, setOperand());
            } else {
                Operand first = setOperand();
                expect(",");
                result = new Expression.ListAppend(first, setOperand());
            }
            expect(")");
            return result;
        }
        if (peek().startsWith(":")) {
            return new Expression.Literal(valueToken());
        }
        return new Expression.PathOperand(path());
    }

    private JsonNode valueToken() {
        String token = peek();
        if (!token.startsWith(":")) {
            throw syntax();
        }
        at++;
        JsonNode value = values.get(token);
        if (value == null) {
            throw DynamoDbError.invalid("Invalid " + kind + ": An expression attribute value used in expression is not defined; "
                    + "attribute value: " + token);
        }
        usedValues.add(token);
        return value;
    }

    private Path path() {
        List<Object> elements = new ArrayList<>();
        elements.add(name());
        while (true) {
            if (accept(".")) {
                elements.add(name());
            } else if (accept("[")) {
                String index = peek();
                if (index.isEmpty() || !index.chars().allMatch(Character::isDigit) || index.length() > 6) {
                    throw syntax();
                }
                at++;
                elements.add(Integer.parseInt(index));
                expect("]");
            } else {
                break;
            }
            if (elements.size() > MAX_PATH_DEPTH) {
                throw DynamoDbError.invalid("Invalid " + kind + ": The document path has too many nesting levels; nesting levels: "
                        + elements.size());
            }
        }
        return new Path(List.copyOf(elements));
    }

    private String name() {
        String token = peek();
        if (token.startsWith("#")) {
            at++;
            String name = names.get(token);
            if (name == null) {
                throw DynamoDbError.invalid("Invalid " + kind + ": An expression attribute name used in the document path is not defined; "
                        + "attribute name: " + token);
            }
            usedNames.add(token);
            return name;
        }
        if (token.isEmpty() || token.startsWith(":") || !(Character.isLetter(token.charAt(0)) || token.charAt(0) == '_')) {
            throw syntax();
        }
        at++;
        return token;
    }
}

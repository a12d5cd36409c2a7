package memberstream.member;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.LocalDate;

/**
 * A date on or after {@link #value()} (ISO, e.g. {@code 1900-01-01}). Java's dates reach year
 * -999,999,999, PostgreSQL's only 4713 BC: without a lower bound such a date failed at the database.
 * Null is valid.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = NotBefore.Validator.class)
public @interface NotBefore {

    String value();

    String message() default "Enter a date on or after {value}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks {@link NotBefore}; immutable after initialize. */
    class Validator implements ConstraintValidator<NotBefore, LocalDate> {

        private LocalDate earliest;

        @Override
        public void initialize(NotBefore annotation) {
            earliest = LocalDate.parse(annotation.value());
        }

        @Override
        public boolean isValid(LocalDate date, ConstraintValidatorContext context) {
            return date == null || !date.isBefore(earliest);
        }
    }
}

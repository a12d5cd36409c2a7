package memberstream.base;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Package by feature: features build on base, never the other way round. Base needs no feature today,
 * not even security: the layout's logout button uses Vaadin's {@code AuthenticationContext}, and
 * features reach the layout through {@code base.ui.NavbarBadge} beans and {@code @Menu} annotations.
 */
@AnalyzeClasses(packages = "memberstream", importOptions = ImportOption.DoNotIncludeTests.class)
class BaseArchitectureTest {

    @ArchTest
    static final ArchRule baseDependsOnNoFeature = noClasses()
            .that().resideInAPackage("memberstream.base..")
            .should().dependOnClassesThat(resideInAPackage("memberstream..")
                    .and(resideOutsideOfPackage("memberstream.base..")))
            .as("base (memberstream.base..) depends on no feature package"
                    + " (member, settings, forwarding, live, security, engine, ...)");
}

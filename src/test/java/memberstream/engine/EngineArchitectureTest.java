package memberstream.engine;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The engine is a product of its own: it may not reach into the console. */
@AnalyzeClasses(packages = "memberstream", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineArchitectureTest {

    @ArchTest
    static final ArchRule engineImportsNothingOfTheConsole = noClasses()
            .that().resideInAPackage("memberstream.engine..")
            .should().dependOnClassesThat(resideInAPackage("memberstream..")
                    .and(resideOutsideOfPackage("memberstream.engine..")))
            .as("the engine (memberstream.engine..) imports nothing of the console");
}

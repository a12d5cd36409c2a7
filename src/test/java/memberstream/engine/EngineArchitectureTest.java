package memberstream.engine;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import memberstream.MemberstreamApplication;

/**
 * The engine is a product of its own: it may not reach into the console, and the console knows it only
 * through the application class (which starts it) and the AWS APIs (the clients find its port in
 * {@code local.memberstream.engine.port}).
 */
@AnalyzeClasses(packages = "memberstream", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineArchitectureTest {

    @ArchTest
    static final ArchRule engineImportsNothingOfTheConsole = noClasses()
            .that().resideInAPackage("memberstream.engine..")
            .should().dependOnClassesThat(resideInAPackage("memberstream..")
                    .and(resideOutsideOfPackage("memberstream.engine..")))
            .as("the engine (memberstream.engine..) imports nothing of the console");

    @ArchTest
    static final ArchRule onlyTheApplicationClassKnowsTheEngine = noClasses()
            .that().resideOutsideOfPackage("memberstream.engine..")
            .and().doNotHaveFullyQualifiedName(MemberstreamApplication.class.getName())
            .should().dependOnClassesThat(resideInAPackage("memberstream.engine.."))
            .as("nothing but the application class (memberstream.MemberstreamApplication) uses the engine");
}

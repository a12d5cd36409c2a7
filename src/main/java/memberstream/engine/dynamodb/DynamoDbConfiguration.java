package memberstream.engine.dynamodb;

import memberstream.engine.ConditionalOnEmbeddedEngine;
import memberstream.engine.EngineContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** DynamoDB (the tables KCL needs) as one of the engine's routes. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
public class DynamoDbConfiguration {

    @Bean(destroyMethod = "close")
    DynamoDbService dynamoDbService(EngineContext context) {
        return new DynamoDbService(context);
    }
}

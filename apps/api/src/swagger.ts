import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemDetailsDto, problemResponse } from './http/api-problem.decorator';

export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Tally Ledger')
    .setDescription(
      'Event-sourced election results: tally sheets in, district and city results out. ' +
        'Every error is RFC 9457 problem+json (application/problem+json) with a stable `code`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    // Any request can meet the rate limit (a global guard) or an internal error.
    .addGlobalResponse(problemResponse(429), problemResponse(500))
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsDto] });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, resolveJwtKeys } from '@tally/platform';
import { APP_CONFIG } from '../infrastructure/runtime';
import { AuthGuard } from './auth.guard';
import { CallerThrottlerGuard } from './caller-throttler.guard';
import { JWT_KEYS, TokenVerifier } from './token-verifier';

/** Authentication first (so the throttler can count per token), then the rate limit. Both apply to every route. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => [{ ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }],
    }),
  ],
  providers: [
    { provide: JWT_KEYS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => resolveJwtKeys(config) },
    TokenVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: CallerThrottlerGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}

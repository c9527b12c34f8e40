import { ArrayUnique, IsArray, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { KEY_PERMISSIONS, KEY_TYPES, ROLES } from '../permissions';
import type { CreateApiKeyRequest, CreateMemberRequest, LoginRequest, SignupRequest, UpdateMemberRequest } from '@app/contracts';

export class LoginDto implements LoginRequest {
  // No TLD required: the embedded bootstrap owner is admin@localhost.
  @IsEmail({ require_tld: false }) @MaxLength(320) email: string;
  @IsString() @MinLength(1) @MaxLength(200) password: string;
}

export class SignupDto implements SignupRequest {
  @IsString() @MinLength(1) @MaxLength(255) name: string;
  @IsEmail() @MaxLength(320) email: string;
  @IsString() @MinLength(8, { message: 'password must be at least 8 characters' }) @MaxLength(200) password: string;
  @IsString() @MinLength(1) @MaxLength(255) companyName: string;
}

export class CreateMemberDto implements CreateMemberRequest {
  @IsEmail() @MaxLength(320) email: string;
  @IsString() @MinLength(1) @MaxLength(255) name: string;
  @IsString() @MinLength(8, { message: 'password must be at least 8 characters' }) @MaxLength(200) password: string;
  @IsIn(['admin', 'member', 'viewer'], { message: 'role must be one of admin, member, viewer (there is exactly one owner)' }) role:
    'admin' | 'member' | 'viewer';
}

export class UpdateMemberDto implements UpdateMemberRequest {
  @IsIn(ROLES as unknown as string[]) role: (typeof ROLES)[number];
}

export class CreateApiKeyDto implements CreateApiKeyRequest {
  @IsString() @MinLength(1) @MaxLength(255) name: string;
  @IsIn(KEY_TYPES as unknown as string[]) type: (typeof KEY_TYPES)[number];
  @IsOptional() @IsUUID() projectId?: string;
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(KEY_PERMISSIONS as unknown as string[], { each: true }) permissions?: string[];
}

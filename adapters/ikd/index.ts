export * from './port.ts';
export {
  GerbangIkdProfile,
  IKD_PROFILE_NAME,
  IKD_MAX_LENGTH,
  type GerbangIkdProfileOptions,
} from './profile.ts';
export { openIkdProfile, IkdKeyError, type IkdSettings } from './open.ts';

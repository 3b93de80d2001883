export { toriiSessionInitializer as default } from '../torii/adapter';

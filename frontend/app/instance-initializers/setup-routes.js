export { toriiSetupRoutesInitializer as default } from '../torii/adapter';

export { ToriiSessionStub as default } from '../torii/adapter';

import { AccountSettings } from '../../../components/settings/account-settings.tsx';

export default function SettingsPage() {
  return <AccountSettings />;
}

// Stand-in: Proxmox detects the distribution in the extracted root (pve-container
// src/PVE/LXC/Setup.pm:new); the simulator picks it from the template/image name.
// Which distribution a guest root pretends to be, chosen from the template or image name the
// guest was created from (e.g. debian-12-standard_12.7-1_amd64.tar.zst, noble-server-cloudimg-amd64.qcow2).
export interface GuestOs {
  id: 'debian' | 'ubuntu';
  versionId: string;
  codename: string;
  osRelease: string;
  debianVersion: string;
}

const debian = (versionId: string, point: string, codename: string): GuestOs => ({
  id: 'debian',
  versionId,
  codename,
  debianVersion: `${point}\n`,
  osRelease: [
    `PRETTY_NAME="Debian GNU/Linux ${versionId} (${codename})"`,
    'NAME="Debian GNU/Linux"',
    `VERSION_ID="${versionId}"`,
    `VERSION="${versionId} (${codename})"`,
    `VERSION_CODENAME=${codename}`,
    'ID=debian',
    'HOME_URL="https://www.debian.org/"',
    'SUPPORT_URL="https://www.debian.org/support"',
    'BUG_REPORT_URL="https://bugs.debian.org/"',
    '',
  ].join('\n'),
});

const ubuntu = (versionId: string, point: string, codename: string, name: string): GuestOs => ({
  id: 'ubuntu',
  versionId,
  codename,
  debianVersion: codename === 'noble' ? 'trixie/sid\n' : 'bookworm/sid\n',
  osRelease: [
    `PRETTY_NAME="Ubuntu ${point} LTS"`,
    'NAME="Ubuntu"',
    `VERSION_ID="${versionId}"`,
    `VERSION="${point} LTS (${name})"`,
    `VERSION_CODENAME=${codename}`,
    'ID=ubuntu',
    'ID_LIKE=debian',
    'HOME_URL="https://www.ubuntu.com/"',
    'SUPPORT_URL="https://help.ubuntu.com/"',
    'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"',
    'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"',
    `UBUNTU_CODENAME=${codename}`,
    'LOGO=ubuntu-logo',
    '',
  ].join('\n'),
});

/** Debian 12 unless the name says Ubuntu (noble/24.04 by default, jammy/22.04) or Debian 13. */
export function osFromTemplate(ostemplate?: string): GuestOs {
  const t = (ostemplate ?? '').toLowerCase();
  if (/jammy|ubuntu-22/.test(t)) return ubuntu('22.04', '22.04.5', 'jammy', 'Jammy Jellyfish');
  if (/ubuntu|noble/.test(t)) return ubuntu('24.04', '24.04.1', 'noble', 'Noble Numbat');
  if (/trixie|debian-13/.test(t)) return debian('13', '13.1', 'trixie');
  return debian('12', '12.7', 'bookworm');
}
